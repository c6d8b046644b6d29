# 2D balanced SSFP (bSSFP / TrueFISP / FIESTA): every gradient is rewound within the TR, the RF phase alternates
# by 180 degrees, TE = TR / 2; an alpha/2 pulse half a TR before the train prepares the steady state.
import numpy as np
import pypulseq as pp

# --- parameters ---
fov = 256e-3  # field of view (m)
n_x = 128  # readout samples
n_y = 128  # phase-encoding lines
slice_thickness = 5e-3  # (m)
flip_deg = 50  # flip angle (degrees)
pulse_duration = 1e-3  # sinc excitation (s)
tbw = 2  # time-bandwidth product of the sinc
tr = 0  # repetition time (s); 0 = the shortest these gradients allow (TE is always TR / 2)
readout_time = 1.28e-3  # ADC window (s)
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
delta_k = 1 / fov
min_readout_time = np.ceil(n_x * delta_k / system.max_grad / raster) * raster
if readout_time < min_readout_time:
    raise ValueError(f"readout_time must be at least {min_readout_time * 1e3:.2f} ms for this FOV and matrix")

rf, gz, gz_reph = pp.make_sinc_pulse(
    flip_angle=np.deg2rad(flip_deg), duration=pulse_duration, slice_thickness=slice_thickness, apodization=0.5,
    time_bw_product=tbw, system=system, return_gz=True, use="excitation",
)
# The ADC dwell time lies on the ADC raster; the flat top covers the samples on the gradient raster.
dwell = np.round(readout_time / n_x / system.adc_raster_time) * system.adc_raster_time
flat_time = np.ceil(n_x * dwell / raster) * raster
gx = pp.make_trapezoid(channel="x", flat_area=n_x * delta_k * flat_time / (n_x * dwell), flat_time=flat_time,
                       system=system)
adc_delay = gx.rise_time + np.round((flat_time - n_x * dwell) / 2 / system.rf_raster_time) * system.rf_raster_time
adc = pp.make_adc(num_samples=n_x, dwell=dwell, delay=adc_delay, system=system)
phase_areas = (np.arange(n_y) - n_y / 2) * delta_k
# One duration for the prephasers before the readout and the rewinders after it, on all three axes.
enc_time = max(pp.calc_duration(pp.make_trapezoid(channel="x", area=gx.area / 2, system=system)),
               pp.calc_duration(pp.make_trapezoid(channel="y", area=np.max(np.abs(phase_areas)), system=system)),
               pp.calc_duration(gz_reph)) + 2 * raster
gx_pre = pp.make_trapezoid(channel="x", area=-gx.area / 2, duration=enc_time, system=system)
gz_pre = pp.make_trapezoid(channel="z", area=gz_reph.area, duration=enc_time, system=system)

rf_block = pp.calc_duration(rf, gz)
min_tr = np.ceil((rf_block + 2 * enc_time + pp.calc_duration(gx)) / raster) * raster
if tr == 0:
    tr = min_tr
if tr < min_tr:
    raise ValueError(f"TR must be at least {min_tr * 1e3:.2f} ms with these gradients")
te = tr / 2
min_te = min_tr / 2
pad = np.round((tr - min_tr) / 2 / raster) * raster  # split evenly so the echo stays at TR / 2
# Preparation: alpha/2 with the opposite phase, half a TR before the first alpha pulse.
rf_prep = pp.make_sinc_pulse(
    flip_angle=np.deg2rad(flip_deg) / 2, duration=pulse_duration, slice_thickness=slice_thickness, apodization=0.5,
    time_bw_product=tbw, phase_offset=np.pi, system=system, use="preparation",
)
seq.add_block(rf_prep, gz)
seq.add_block(gz_pre)
prep_gap = np.round((tr / 2 - rf_block - enc_time) / raster) * raster
if prep_gap > 0:  # a pulse longer than the readout leaves no gap: the alpha/2 then sits just over TR / 2 before
    seq.add_block(pp.make_delay(prep_gap))

for i in range(-n_dummies, n_y):
    phase = np.pi * (i % 2)  # alternate the RF phase by 180 degrees
    rf.phase_offset = phase
    adc.phase_offset = phase
    area_y = phase_areas[i] if i >= 0 else 0.0
    seq.add_block(rf, gz)
    gy_pre = pp.make_trapezoid(channel="y", area=area_y, duration=enc_time, system=system)
    seq.add_block(gx_pre, gy_pre, gz_pre, pp.make_delay(enc_time + pad))
    if i >= 0:
        seq.add_block(gx, adc)
    else:
        seq.add_block(gx)  # dummy repetitions: same gradients, no sampling
    gy_rew = pp.make_trapezoid(channel="y", area=-area_y, duration=enc_time, system=system)
    seq.add_block(gx_pre, gy_rew, gz_pre, pp.make_delay(enc_time + pad))

ok, errors = seq.check_timing()
print("check_timing:", "passed" if ok else "FAILED")
if not ok:
    print(errors)
seq.set_definition("FOV", [fov, fov, slice_thickness])
seq.set_definition("Name", "bssfp_2d")
if __name__ == "__main__":
    seq.write("bssfp_2d.seq")
