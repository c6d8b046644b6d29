# 2D turbo spin echo (TSE / FSE / RARE): one 90-degree excitation followed by a CPMG train of refocusing pulses;
# each echo reads its own phase-encoding line, so one TR acquires n_echoes lines.
import numpy as np
import pypulseq as pp

# --- parameters ---
fov = 220e-3  # field of view (m)
n_x = 128  # readout samples
n_y = 128  # phase-encoding lines (a multiple of n_echoes)
slice_thickness = 5e-3  # (m)
n_echoes = 16  # echo-train length (turbo factor)
te = 80e-3  # effective echo time: when the centre of k-space is read (s)
tr = 3000e-3  # repetition time (s)
readout_time = 6.4e-3  # ADC window per echo (s)
max_grad = 28  # gradient limit (mT/m)
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
delta_k = 1 / fov
if n_y % n_echoes:
    raise ValueError("n_y must be a multiple of n_echoes")
n_shots = n_y // n_echoes
min_readout_time = np.ceil(n_x * delta_k / system.max_grad / raster) * raster
if readout_time < min_readout_time:
    raise ValueError(f"readout_time must be at least {min_readout_time * 1e3:.2f} ms for this FOV and matrix")

rf90, gz90, gz90_reph = pp.make_sinc_pulse(
    flip_angle=np.pi / 2, duration=3e-3, slice_thickness=slice_thickness, time_bw_product=4,
    apodization=0.5, system=system, return_gz=True, use="excitation",
)
# CPMG: refocusing pulses 90 degrees out of phase with the excitation.
rf180, gz180, _ = pp.make_sinc_pulse(
    flip_angle=np.pi, duration=2.5e-3, slice_thickness=slice_thickness, time_bw_product=4,
    apodization=0.5, phase_offset=np.pi / 2, system=system, return_gz=True, use="refocusing",
)
crusher = pp.make_trapezoid(channel="z", area=4 / slice_thickness, system=system)
# The ADC dwell time lies on the ADC raster; the flat top covers the samples on the gradient raster.
dwell = np.round(readout_time / n_x / system.adc_raster_time) * system.adc_raster_time
flat_time = np.ceil(n_x * dwell / raster) * raster
gx = pp.make_trapezoid(channel="x", flat_area=n_x * delta_k * flat_time / (n_x * dwell), flat_time=flat_time,
                       system=system)
adc_delay = gx.rise_time + np.round((flat_time - n_x * dwell) / 2 / system.rf_raster_time) * system.rf_raster_time
adc = pp.make_adc(num_samples=n_x, dwell=dwell, delay=adc_delay, system=system)
phase_areas = (np.arange(n_y) - n_y / 2) * delta_k
pe_time = pp.calc_duration(pp.make_trapezoid(channel="y", area=np.max(np.abs(phase_areas)), system=system)) \
    + 2 * raster
# Between the excitation and the first refocusing pulse the readout needs half its area (the 180 inverts it).
pre_time = max(pp.calc_duration(pp.make_trapezoid(channel="x", area=gx.area / 2, system=system)),
               pp.calc_duration(gz90_reph))
gx_pre = pp.make_trapezoid(channel="x", area=gx.area / 2, duration=pre_time, system=system)

ref_center = rf180.delay + pp.calc_rf_center(rf180)[0]
ref_block = pp.calc_duration(rf180, gz180)
crush = pp.calc_duration(crusher)
# Each half of the echo spacing: refocusing pulse centre -> crusher -> phase encode -> half the readout.
half = max(ref_block - ref_center, ref_center) + crush + pe_time + pp.calc_duration(gx) / 2
echo_spacing = 2 * np.ceil(half / raster) * raster
exc_center_to_end = pp.calc_duration(rf90, gz90) - (rf90.delay + pp.calc_rf_center(rf90)[0])
delay0 = np.round((echo_spacing / 2 - exc_center_to_end - pre_time - crush - ref_center) / raster) * raster
if delay0 < 0:
    raise ValueError("the excitation and prephaser do not fit in half an echo spacing; shorten them")
# The echo that reads the centre of k-space sets the effective TE.
min_te, max_te = echo_spacing, n_echoes * echo_spacing
if not min_te <= te <= max_te:
    raise ValueError(f"TE must lie between {min_te * 1e3:.2f} ms and {max_te * 1e3:.2f} ms "
                     f"(echo spacing {echo_spacing * 1e3:.2f} ms, {n_echoes} echoes)")
center_echo = int(np.clip(round(te / echo_spacing) - 1, 0, n_echoes - 1))
gap_a = np.round((echo_spacing / 2 - (ref_block - ref_center) - crush - pe_time - pp.calc_duration(gx) / 2)
                 / raster) * raster
gap_b = np.round((echo_spacing / 2 - ref_center - crush - pe_time - pp.calc_duration(gx) / 2) / raster) * raster
gz_spoil = pp.make_trapezoid(channel="z", area=8 / slice_thickness, system=system)
shot = (pp.calc_duration(rf90, gz90) + pre_time + delay0 + crush + n_echoes * echo_spacing
        - ref_center + ref_center + pp.calc_duration(gz_spoil))
min_tr = np.ceil(shot / raster) * raster + raster
if tr < min_tr:
    raise ValueError(f"TR must be at least {min_tr * 1e3:.2f} ms for {n_echoes} echoes")
delay_tr = np.round((tr - shot) / raster) * raster

for s in range(n_shots):
    seq.add_block(rf90, gz90)
    seq.add_block(gx_pre, gz90_reph)
    if delay0 > 0:
        seq.add_block(pp.make_delay(delay0))
    for e in range(n_echoes):
        line = ((e - center_echo) * n_shots + s + n_y // 2) % n_y  # centre line at the chosen echo
        seq.add_block(crusher)
        seq.add_block(rf180, gz180)
        seq.add_block(crusher)
        if gap_a > 0:
            seq.add_block(pp.make_delay(gap_a))
        seq.add_block(pp.make_trapezoid(channel="y", area=phase_areas[line], duration=pe_time, system=system))
        seq.add_block(gx, adc)
        seq.add_block(pp.make_trapezoid(channel="y", area=-phase_areas[line], duration=pe_time, system=system))
        if gap_b > 0:
            seq.add_block(pp.make_delay(gap_b))
    seq.add_block(gz_spoil)
    seq.add_block(pp.make_delay(delay_tr))

ok, errors = seq.check_timing()
print("check_timing:", "passed" if ok else "FAILED")
if not ok:
    print(errors)
seq.set_definition("FOV", [fov, fov, slice_thickness])
seq.set_definition("Name", "tse_2d")
if __name__ == "__main__":
    seq.write("tse_2d.seq")
