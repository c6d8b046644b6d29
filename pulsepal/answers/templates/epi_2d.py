# 2D single-shot gradient-echo EPI: sinc excitation, then one shot of alternating readout lobes with
# phase-encoding blips between them; the ADC samples the flat top of each lobe. Several slices per TR.
import numpy as np
import pypulseq as pp

# --- parameters ---
fov = 220e-3  # field of view (m)
n_x = 64  # readout samples
n_y = 64  # phase-encoding lines
slice_thickness = 3e-3  # (m)
n_slices = 3  # slices per TR
flip_deg = 90  # flip angle (degrees)
te = 0  # echo time (s): excitation to the centre line; 0 = the shortest
tr = 0  # repetition time (s) for all slices; 0 = the shortest
dwell = 4e-6  # ADC dwell time (s)
max_grad = 32  # gradient limit (mT/m)
max_slew = 130  # slew-rate limit (T/m/s)
rf_dead_time = 100e-6  # (s)
rf_ringdown_time = 30e-6  # (s)
adc_dead_time = 20e-6  # (s)
# --- end of parameters ---

system = pp.Opts(
    max_grad=max_grad, grad_unit="mT/m", max_slew=max_slew, slew_unit="T/m/s",
    rf_ringdown_time=rf_ringdown_time, rf_dead_time=rf_dead_time, adc_dead_time=adc_dead_time,
)
seq = pp.Sequence(system=system)
raster = system.grad_raster_time
delta_k = 1 / fov
dwell = np.round(dwell / system.adc_raster_time) * system.adc_raster_time  # on the ADC raster
readout_time = n_x * dwell
flat_time = np.ceil(readout_time / raster) * raster
min_flat_time = np.ceil(n_x * delta_k / system.max_grad / raster) * raster
if flat_time < min_flat_time:
    raise ValueError(f"dwell must be at least {min_flat_time / n_x * 1e6:.2f} us for this FOV and matrix")

rf, gz, gz_reph = pp.make_sinc_pulse(
    flip_angle=np.deg2rad(flip_deg), duration=3e-3, slice_thickness=slice_thickness, time_bw_product=4,
    apodization=0.5, system=system, return_gz=True, use="excitation",
)
gx = pp.make_trapezoid(channel="x", flat_area=n_x * delta_k, flat_time=flat_time, system=system)
adc_delay = gx.rise_time + np.round((flat_time - readout_time) / 2 / system.rf_raster_time) * system.rf_raster_time
adc = pp.make_adc(num_samples=n_x, dwell=dwell, delay=adc_delay, system=system)
# Each blip gets its own short block between readout lobes: simple and always legal, at the cost of a slightly
# longer echo spacing than blips overlapping the ramps.
# the shortest blip pypulseq makes for one line's area (a trapezoid where the gradient limit caps it)
blip_duration = np.ceil(pp.calc_duration(pp.make_trapezoid(channel="y", area=delta_k, system=system)) / raster - 1e-9)
blip_duration *= raster
gy_blip = pp.make_trapezoid(channel="y", area=-delta_k, duration=blip_duration, system=system)
gx_pre = pp.make_trapezoid(channel="x", area=-gx.area / 2, system=system)
gy_pre = pp.make_trapezoid(channel="y", area=n_y / 2 * delta_k, system=system)
gx_pre, gy_pre, gz_reph = pp.align(right=gx_pre, left=[gy_pre, gz_reph])

echo_spacing = pp.calc_duration(gx) + blip_duration
exc_center_to_end = pp.calc_duration(rf, gz) - (rf.delay + pp.calc_rf_center(rf)[0])
pre_block = pp.calc_duration(gx_pre, gy_pre, gz_reph)
min_te = exc_center_to_end + pre_block + (n_y // 2) * echo_spacing + pp.calc_duration(gx) / 2
if te == 0:
    te = np.ceil(min_te / raster) * raster
if te < min_te:
    raise ValueError(f"TE must be at least {min_te * 1e3:.2f} ms for this matrix and dwell time")
delay_te = np.round((te - min_te) / raster) * raster
slice_time = pp.calc_duration(rf, gz) + pre_block + delay_te + n_y * pp.calc_duration(gx) + (n_y - 1) * blip_duration
min_tr = n_slices * slice_time
if tr == 0:
    tr = np.ceil(min_tr / raster) * raster
if tr < min_tr:
    raise ValueError(f"TR must be at least {min_tr * 1e3:.2f} ms for {n_slices} slices")
delay_tr = np.round((tr - min_tr) / n_slices / raster) * raster

for s in range(n_slices):
    rf.freq_offset = gz.amplitude * slice_thickness * (s - (n_slices - 1) / 2)
    seq.add_block(rf, gz)
    seq.add_block(gx_pre, gy_pre, gz_reph)
    if delay_te > 0:
        seq.add_block(pp.make_delay(delay_te))
    for line in range(n_y):
        seq.add_block(gx, adc)
        if line < n_y - 1:
            seq.add_block(gy_blip)
        gx.amplitude = -gx.amplitude  # alternate the readout direction
    gx.amplitude = abs(gx.amplitude)
    if delay_tr > 0:
        seq.add_block(pp.make_delay(delay_tr))

ok, errors = seq.check_timing()
print("check_timing:", "passed" if ok else "FAILED")
if not ok:
    print(errors)
seq.set_definition("FOV", [fov, fov, slice_thickness])
seq.set_definition("Name", "epi_2d")
if __name__ == "__main__":
    seq.write("epi_2d.seq")
