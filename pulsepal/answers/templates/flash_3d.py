# 3D FLASH (spoiled gradient echo): slab-selective excitation, phase encoding in y and partition encoding in z,
# RF spoiling, and rewinders on both encoding axes every TR.
import numpy as np
import pypulseq as pp

# --- parameters ---
fov = 200e-3  # in-plane field of view (m)
slab_thickness = 160e-3  # excited slab = FOV along z (m)
n_x = 48  # readout samples
n_y = 32  # phase-encoding lines
n_z = 16  # partitions
flip_deg = 8  # flip angle (degrees)
pulse_duration = 1.5e-3  # sinc slab excitation (s)
tbw = 4  # time-bandwidth product of the sinc
te = 0  # echo time (s); 0 = the shortest
tr = 10e-3  # repetition time (s)
readout_time = 2.4e-3  # ADC window (s)
max_grad = 24  # gradient limit (mT/m)
max_slew = 120  # slew-rate limit (T/m/s)
rf_dead_time = 100e-6  # (s)
rf_ringdown_time = 20e-6  # (s)
adc_dead_time = 10e-6  # (s)
# --- end of parameters ---

system = pp.Opts(
    max_grad=max_grad, grad_unit="mT/m", max_slew=max_slew, slew_unit="T/m/s",
    rf_ringdown_time=rf_ringdown_time, rf_dead_time=rf_dead_time, adc_dead_time=adc_dead_time,
)
seq = pp.Sequence(system=system)
raster = system.grad_raster_time
dk_x, dk_y, dk_z = 1 / fov, 1 / fov, 1 / slab_thickness
min_readout_time = np.ceil(n_x * dk_x / system.max_grad / raster) * raster
if readout_time < min_readout_time:
    raise ValueError(f"readout_time must be at least {min_readout_time * 1e3:.2f} ms for this FOV and matrix")

# A sinc with a slice thickness selects the slab (a block pulse would excite everything).
rf, gz, gz_reph = pp.make_sinc_pulse(
    flip_angle=np.deg2rad(flip_deg), duration=pulse_duration, slice_thickness=slab_thickness, time_bw_product=tbw,
    apodization=0.5, system=system, return_gz=True, use="excitation",
)
# The ADC dwell time lies on the ADC raster; the flat top covers the samples on the gradient raster.
dwell = np.round(readout_time / n_x / system.adc_raster_time) * system.adc_raster_time
flat_time = np.ceil(n_x * dwell / raster) * raster
gx = pp.make_trapezoid(channel="x", flat_area=n_x * dk_x * flat_time / (n_x * dwell), flat_time=flat_time,
                       system=system)
adc_delay = gx.rise_time + np.round((flat_time - n_x * dwell) / 2 / system.rf_raster_time) * system.rf_raster_time
adc = pp.make_adc(num_samples=n_x, dwell=dwell, delay=adc_delay, system=system)
areas_y = (np.arange(n_y) - n_y / 2) * dk_y
areas_z = (np.arange(n_z) - n_z / 2) * dk_z
enc_time = max(pp.calc_duration(pp.make_trapezoid(channel="x", area=gx.area / 2, system=system)),
               pp.calc_duration(pp.make_trapezoid(channel="y", area=np.max(np.abs(areas_y)), system=system)),
               pp.calc_duration(pp.make_trapezoid(channel="z", area=np.max(np.abs(areas_z)) + abs(gz_reph.area),
                                                  system=system))) + 2 * raster
gx_pre = pp.make_trapezoid(channel="x", area=-gx.area / 2, duration=enc_time, system=system)
gx_spoil = pp.make_trapezoid(channel="x", area=2 * n_x * dk_x, system=system)

rf_center_to_end = pp.calc_duration(rf, gz) - (rf.delay + pp.calc_rf_center(rf)[0])
min_te = rf_center_to_end + enc_time + pp.calc_duration(gx) / 2
if te == 0:
    te = np.ceil(min_te / raster) * raster
if te < min_te:
    raise ValueError(f"TE must be at least {min_te * 1e3:.2f} ms with these gradients")
delay_te = np.round((te - min_te) / raster) * raster
post_time = max(enc_time, pp.calc_duration(gx_spoil))
min_tr = pp.calc_duration(rf, gz) + enc_time + delay_te + pp.calc_duration(gx) + post_time
if tr < min_tr:
    raise ValueError(f"TR must be at least {min_tr * 1e3:.2f} ms with these gradients and this TE")
delay_tr = np.round((tr - min_tr) / raster) * raster

rf_phase, rf_inc = 0.0, 0.0
for iz in range(n_z):
    for iy in range(n_y):
        rf.phase_offset = np.deg2rad(rf_phase)  # quadratic RF spoiling, 117 degree increment
        adc.phase_offset = np.deg2rad(rf_phase)
        rf_inc = (rf_inc + 117) % 360
        rf_phase = (rf_phase + rf_inc) % 360
        gy_pre = pp.make_trapezoid(channel="y", area=areas_y[iy], duration=enc_time, system=system)
        gz_pre = pp.make_trapezoid(channel="z", area=areas_z[iz] + gz_reph.area, duration=enc_time, system=system)
        seq.add_block(rf, gz)
        seq.add_block(gx_pre, gy_pre, gz_pre)
        if delay_te > 0:
            seq.add_block(pp.make_delay(delay_te))
        seq.add_block(gx, adc)
        gy_post = pp.make_trapezoid(channel="y", area=-areas_y[iy], duration=enc_time, system=system)
        gz_post = pp.make_trapezoid(channel="z", area=-areas_z[iz], duration=enc_time, system=system)
        seq.add_block(gx_spoil, gy_post, gz_post, pp.make_delay(post_time + delay_tr))

ok, errors = seq.check_timing()
print("check_timing:", "passed" if ok else "FAILED")
if not ok:
    print(errors)
seq.set_definition("FOV", [fov, fov, slab_thickness])
seq.set_definition("Name", "flash_3d")
if __name__ == "__main__":
    seq.write("flash_3d.seq")
