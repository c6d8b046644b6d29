# 3D balanced SSFP (3D TrueFISP / FIESTA-C): a slab-selective excitation, phase encoding in y and partition
# encoding in z, every gradient rewound within the TR, the RF phase alternating by 180 degrees, TE = TR / 2.
import numpy as np
import pypulseq as pp

# --- parameters ---
fov = 256e-3  # in-plane field of view (m)
slab_thickness = 128e-3  # excited slab = FOV along z (m)
n_x = 64  # readout samples
n_y = 32  # phase-encoding lines
n_z = 16  # partitions
flip_deg = 30  # flip angle (degrees)
pulse_duration = 1e-3  # sinc slab excitation (s)
tbw = 2  # time-bandwidth product of the sinc
tr = 0  # repetition time (s); 0 = the shortest these gradients allow (TE is always TR / 2)
readout_time = 0.64e-3  # ADC window (s)
n_dummies = 10  # repetitions before data are acquired
max_grad = 28  # gradient limit (mT/m)
max_slew = 150  # slew-rate limit (T/m/s)
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

rf, gz, gz_reph = pp.make_sinc_pulse(
    flip_angle=np.deg2rad(flip_deg), duration=pulse_duration, slice_thickness=slab_thickness, apodization=0.5,
    time_bw_product=tbw, system=system, return_gz=True, use="excitation",
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
# One duration for the lobes before the readout and after it, on all three axes; on z the partition encoding rides
# on the slab rephaser (half before the readout, half after it, so the slab gradient is balanced too).
enc_time = max(pp.calc_duration(pp.make_trapezoid(channel="x", area=gx.area / 2, system=system)),
               pp.calc_duration(pp.make_trapezoid(channel="y", area=np.max(np.abs(areas_y)), system=system)),
               pp.calc_duration(pp.make_trapezoid(channel="z", area=np.max(np.abs(areas_z)) + abs(gz_reph.area),
                                                  system=system))) + 2 * raster
gx_pre = pp.make_trapezoid(channel="x", area=-gx.area / 2, duration=enc_time, system=system)

rf_block = pp.calc_duration(rf, gz)
min_tr = np.ceil((rf_block + 2 * enc_time + pp.calc_duration(gx)) / raster) * raster
if tr == 0:
    tr = min_tr
if tr < min_tr:
    raise ValueError(f"TR must be at least {min_tr * 1e3:.2f} ms with these gradients")
te = tr / 2
min_te = min_tr / 2
pad = np.round((tr - min_tr) / 2 / raster) * raster  # split evenly so the echo stays at TR / 2

steps = [(None, None)] * n_dummies + [(iy, iz) for iz in range(n_z) for iy in range(n_y)]
for i, (iy, iz) in enumerate(steps):
    phase = np.pi * (i % 2)  # alternate the RF phase by 180 degrees
    rf.phase_offset = phase
    adc.phase_offset = phase
    area_y = areas_y[iy] if iy is not None else 0.0
    area_z = areas_z[iz] if iz is not None else 0.0
    seq.add_block(rf, gz)
    gy_pre = pp.make_trapezoid(channel="y", area=area_y, duration=enc_time, system=system)
    gz_pre = pp.make_trapezoid(channel="z", area=gz_reph.area + area_z, duration=enc_time, system=system)
    seq.add_block(gx_pre, gy_pre, gz_pre, pp.make_delay(enc_time + pad))
    if iy is not None:
        seq.add_block(gx, adc)
    else:
        seq.add_block(gx)  # dummy repetitions: same gradients, no sampling
    gy_rew = pp.make_trapezoid(channel="y", area=-area_y, duration=enc_time, system=system)
    gz_rew = pp.make_trapezoid(channel="z", area=gz_reph.area - area_z, duration=enc_time, system=system)
    seq.add_block(gx_pre, gy_rew, gz_rew, pp.make_delay(enc_time + pad))

ok, errors = seq.check_timing()
print("check_timing:", "passed" if ok else "FAILED")
if not ok:
    print(errors)
seq.set_definition("FOV", [fov, fov, slab_thickness])
seq.set_definition("Name", "bssfp_3d")
if __name__ == "__main__":
    seq.write("bssfp_3d.seq")
