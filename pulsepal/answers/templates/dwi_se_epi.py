# Diffusion-weighted spin-echo EPI (DWI): a Stejskal-Tanner pair of diffusion gradients either side of the
# refocusing pulse, then a single-shot EPI readout; one b=0 image and one image per diffusion direction (x, y, z).
import numpy as np
import pypulseq as pp

# --- parameters ---
fov = 220e-3  # field of view (m)
n_x = 64  # readout samples
n_y = 64  # phase-encoding lines
slice_thickness = 4e-3  # (m)
b_value = 1000  # diffusion weighting (s/mm^2)
te = 0  # echo time (s); 0 = the shortest this b-value allows
tr = 3000e-3  # repetition time (s)
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

rf90, gz90, gz90_reph = pp.make_sinc_pulse(
    flip_angle=np.pi / 2, duration=3e-3, slice_thickness=slice_thickness, time_bw_product=4, apodization=0.5,
    system=system, return_gz=True, use="excitation",
)
rf180, gz180, _ = pp.make_sinc_pulse(
    flip_angle=np.pi, duration=3e-3, slice_thickness=slice_thickness, time_bw_product=4, apodization=0.5,
    phase_offset=np.pi / 2, system=system, return_gz=True, use="refocusing",
)
crusher = pp.make_trapezoid(channel="z", area=3 / slice_thickness, system=system)
gx = pp.make_trapezoid(channel="x", flat_area=n_x * delta_k * flat_time / readout_time, flat_time=flat_time,
                       system=system)
adc = pp.make_adc(num_samples=n_x, dwell=dwell, delay=gx.rise_time + np.round((flat_time - readout_time) / 2
                  / system.rf_raster_time) * system.rf_raster_time, system=system)
blip_duration = np.ceil(2 * np.sqrt(delta_k / system.max_slew) / raster) * raster
gy_blip = pp.make_trapezoid(channel="y", area=-delta_k, duration=blip_duration, system=system)
gx_pre = pp.make_trapezoid(channel="x", area=-gx.area / 2, system=system)
gy_pre = pp.make_trapezoid(channel="y", area=n_y / 2 * delta_k, system=system)
gx_pre, gy_pre = pp.align(right=[gx_pre, gy_pre])
echo_spacing = pp.calc_duration(gx) + blip_duration

# Diffusion gradient: 90 % of the gradient limit, flat top lengthened until the b-value is reached.
g = 0.9 * system.max_grad
rise = np.ceil(g / system.max_slew / raster) * raster
exc_center_to_end = pp.calc_duration(rf90, gz90) - (rf90.delay + pp.calc_rf_center(rf90)[0])
ref_center = rf180.delay + pp.calc_rf_center(rf180)[0]
ref_block = pp.calc_duration(rf180, gz180)
crush = pp.calc_duration(crusher)
to_center = pp.calc_duration(gx_pre, gy_pre) + (n_y // 2) * echo_spacing + pp.calc_duration(gx) / 2


def b_of(flat):
    """b in s/mm^2 of the gradient pair for a flat top `flat`, at the shortest TE it allows."""
    d = flat + 2 * rise
    first = exc_center_to_end + pp.calc_duration(gz90_reph) + d + crush + ref_center
    second = (ref_block - ref_center) + crush + d + to_center
    half = np.ceil(max(first, second) / raster) * raster
    big_delta = d + (half - first) + crush + ref_block + crush + (half - second)
    small_delta = flat + rise
    b = (2 * np.pi * g) ** 2 * (small_delta**2 * (big_delta - small_delta / 3) + rise**3 / 30
                                - small_delta * rise**2 / 6)
    return b * 1e-6, 2 * half


flat = 0.0
while b_value > 0 and b_of(flat)[0] < b_value:
    flat += raster
    if flat > 0.2:
        raise ValueError("b_value is out of reach with these gradients")
min_te = b_of(flat)[1]
if te == 0:
    te = min_te
if te < min_te:
    raise ValueError(f"TE must be at least {min_te * 1e3:.2f} ms for b = {b_value} s/mm^2 with these gradients")
d = flat + 2 * rise
first = exc_center_to_end + pp.calc_duration(gz90_reph) + d + crush + ref_center
second = (ref_block - ref_center) + crush + d + to_center
delay1 = np.round((te / 2 - first) / raster) * raster
delay2 = np.round((te / 2 - second) / raster) * raster
shot = (pp.calc_duration(rf90, gz90) + pp.calc_duration(gz90_reph) + 2 * d + delay1 + delay2 + 2 * crush + ref_block
        + pp.calc_duration(gx_pre, gy_pre) + n_y * pp.calc_duration(gx) + (n_y - 1) * blip_duration)
min_tr = np.ceil(shot / raster) * raster + raster
if tr < min_tr:
    raise ValueError(f"TR must be at least {min_tr * 1e3:.2f} ms for this TE")
delay_tr = np.round((tr - shot) / raster) * raster

for axis in ["none", "x", "y", "z"]:  # b = 0, then one diffusion direction per image
    scale = 0.0 if axis == "none" or b_value == 0 else 1.0
    diff = pp.make_trapezoid(channel="z" if axis == "none" else axis, amplitude=g * scale, rise_time=rise,
                             flat_time=flat if flat > 0 else raster, system=system)
    seq.add_block(rf90, gz90)
    seq.add_block(gz90_reph)
    seq.add_block(diff)
    if delay1 > 0:
        seq.add_block(pp.make_delay(delay1))
    seq.add_block(crusher)
    seq.add_block(rf180, gz180)
    seq.add_block(crusher)
    if delay2 > 0:
        seq.add_block(pp.make_delay(delay2))
    seq.add_block(diff)
    seq.add_block(gx_pre, gy_pre)
    for line in range(n_y):
        seq.add_block(gx, adc)
        if line < n_y - 1:
            seq.add_block(gy_blip)
        gx.amplitude = -gx.amplitude  # alternate the readout direction
    gx.amplitude = abs(gx.amplitude)
    seq.add_block(pp.make_delay(delay_tr))

ok, errors = seq.check_timing()
print("check_timing:", "passed" if ok else "FAILED")
if not ok:
    print(errors)
seq.set_definition("FOV", [fov, fov, slice_thickness])
seq.set_definition("Name", "dwi_se_epi")
if __name__ == "__main__":
    seq.write("dwi_se_epi.seq")
