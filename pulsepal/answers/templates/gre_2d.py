# 2D spoiled gradient echo (GRE / FLASH): slice-selective sinc excitation, Cartesian phase encoding,
# readout with prephaser, spoilers and RF spoiling; TE and TR are set by delays. Slices are acquired one after the
# other (each moved by the RF frequency offset), and LIN/SLC labels tell the reconstruction where each line goes.
import numpy as np
import pypulseq as pp

# --- parameters ---
fov = 256e-3  # field of view (m)
n_x = 64  # readout samples
n_y = 64  # phase-encoding lines
slice_thickness = 5e-3  # (m)
n_slices = 1  # slices, spaced by their thickness
flip_deg = 15  # flip angle (degrees)
pulse_duration = 2e-3  # sinc excitation (s)
tbw = 4  # time-bandwidth product of the sinc
te = 5e-3  # echo time (s)
tr = 12e-3  # repetition time (s)
readout_time = 3.2e-3  # ADC window (s)
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
delta_k = 1 / fov
# The readout's flat top must cover the k-space width within the gradient limit.
min_readout_time = np.ceil(n_x * delta_k / system.max_grad / raster) * raster
if readout_time < min_readout_time:
    raise ValueError(f"readout_time must be at least {min_readout_time * 1e3:.2f} ms for this FOV and matrix")

rf, gz, gz_reph = pp.make_sinc_pulse(
    flip_angle=np.deg2rad(flip_deg), duration=pulse_duration, slice_thickness=slice_thickness,
    apodization=0.5, time_bw_product=tbw, system=system, return_gz=True, use="excitation",
)
# The ADC dwell time lies on the ADC raster; the flat top covers the samples on the gradient raster.
dwell = np.round(readout_time / n_x / system.adc_raster_time) * system.adc_raster_time
flat_time = np.ceil(n_x * dwell / raster) * raster
gx = pp.make_trapezoid(channel="x", flat_area=n_x * delta_k * flat_time / (n_x * dwell), flat_time=flat_time,
                       system=system)
adc_delay = gx.rise_time + np.round((flat_time - n_x * dwell) / 2 / system.rf_raster_time) * system.rf_raster_time
adc = pp.make_adc(num_samples=n_x, dwell=dwell, delay=adc_delay, system=system)
gx_pre = pp.make_trapezoid(channel="x", area=-gx.area / 2, system=system)
phase_areas = (np.arange(n_y) - n_y / 2) * delta_k
gy_max = pp.make_trapezoid(channel="y", area=np.max(np.abs(phase_areas)), system=system)
pre_time = max(pp.calc_duration(gx_pre), pp.calc_duration(gy_max), pp.calc_duration(gz_reph)) + 2 * raster
gx_pre = pp.make_trapezoid(channel="x", area=-gx.area / 2, duration=pre_time, system=system)
# Spoilers: a readout-direction crusher and a slice crusher after each echo.
gx_spoil = pp.make_trapezoid(channel="x", area=2 * n_x * delta_k, system=system)
gz_spoil = pp.make_trapezoid(channel="z", area=4 / slice_thickness, system=system)

# TE runs from the RF centre to the echo (the middle of the readout); TR is one repetition.
rf_center_to_end = pp.calc_duration(rf, gz) - (rf.delay + pp.calc_rf_center(rf)[0])
min_te = rf_center_to_end + pre_time + pp.calc_duration(gx) / 2
spoil_time = max(pp.calc_duration(gx_spoil, gz_spoil), pre_time)
min_tr = pp.calc_duration(rf, gz) + pre_time + pp.calc_duration(gx) + spoil_time + (max(te, min_te) - min_te)
if te < min_te:
    raise ValueError(f"TE must be at least {min_te * 1e3:.2f} ms with these gradients")
if tr < min_tr:
    raise ValueError(f"TR must be at least {min_tr * 1e3:.2f} ms with these gradients and this TE")
delay_te = np.round((te - min_te) / raster) * raster
delay_tr = np.round((tr - min_tr) / raster) * raster

slice_positions = (np.arange(n_slices) - (n_slices - 1) / 2) * slice_thickness
rf_phase, rf_inc = 0.0, 0.0
for s in range(n_slices):
    rf.freq_offset = gz.amplitude * slice_positions[s]  # moves the excited slice
    for i in range(n_y):
        rf.phase_offset = np.deg2rad(rf_phase)  # quadratic RF spoiling, 117 degree increment
        adc.phase_offset = np.deg2rad(rf_phase)
        rf_inc = (rf_inc + 117) % 360
        rf_phase = (rf_phase + rf_inc) % 360
        seq.add_block(rf, gz)
        gy_pre = pp.make_trapezoid(channel="y", area=phase_areas[i], duration=pre_time, system=system)
        seq.add_block(gx_pre, gy_pre, gz_reph)
        if delay_te > 0:
            seq.add_block(pp.make_delay(delay_te))
        seq.add_block(gx, adc, pp.make_label(type="SET", label="LIN", value=i),
                      pp.make_label(type="SET", label="SLC", value=s))
        gy_rewind = pp.make_trapezoid(channel="y", area=-phase_areas[i], duration=pre_time, system=system)
        seq.add_block(gx_spoil, gy_rewind, gz_spoil, pp.make_delay(spoil_time + delay_tr))

ok, errors = seq.check_timing()
print("check_timing:", "passed" if ok else "FAILED")
if not ok:
    print(errors)
seq.set_definition("FOV", [fov, fov, slice_thickness * n_slices])
seq.set_definition("Name", "gre_2d")
if __name__ == "__main__":
    seq.write("gre_2d.seq")
