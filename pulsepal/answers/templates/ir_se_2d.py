# Inversion recovery spin echo (IR-SE): a non-selective adiabatic inversion, a spoiler, the inversion-time delay,
# then a slice-selective spin echo that reads one k-space line per TR.
import numpy as np
import pypulseq as pp

# --- parameters ---
fov = 220e-3  # field of view (m)
n_x = 64  # readout samples
n_y = 32  # phase-encoding lines
slice_thickness = 5e-3  # (m)
ti = 400e-3  # inversion time: inversion centre to excitation centre (s)
te = 20e-3  # echo time (s)
tr = 2000e-3  # repetition time (s)
readout_time = 4e-3  # ADC window (s)
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
min_readout_time = np.ceil(n_x * delta_k / system.max_grad / raster) * raster
if readout_time < min_readout_time:
    raise ValueError(f"readout_time must be at least {min_readout_time * 1e3:.2f} ms for this FOV and matrix")

# Hyperbolic-secant adiabatic inversion: robust to B1 inhomogeneity.
rf_inv = pp.make_adiabatic_pulse(pulse_type="hypsec", duration=10.24e-3, system=system, use="inversion")
gz_inv_spoil = pp.make_trapezoid(channel="z", area=6 / slice_thickness, system=system)
rf90, gz90, gz90_reph = pp.make_sinc_pulse(
    flip_angle=np.pi / 2, duration=3e-3, slice_thickness=slice_thickness, time_bw_product=4,
    system=system, return_gz=True, use="excitation",
)
rf180, gz180, _ = pp.make_sinc_pulse(
    flip_angle=np.pi, duration=3e-3, slice_thickness=slice_thickness, time_bw_product=4,
    phase_offset=np.pi / 2, system=system, return_gz=True, use="refocusing",
)
crusher = pp.make_trapezoid(channel="z", area=3 / slice_thickness, system=system)
# The ADC dwell time lies on the ADC raster; the flat top covers the samples on the gradient raster.
dwell = np.round(readout_time / n_x / system.adc_raster_time) * system.adc_raster_time
flat_time = np.ceil(n_x * dwell / raster) * raster
gx = pp.make_trapezoid(channel="x", flat_area=n_x * delta_k * flat_time / (n_x * dwell), flat_time=flat_time,
                       system=system)
adc_delay = gx.rise_time + np.round((flat_time - n_x * dwell) / 2 / system.rf_raster_time) * system.rf_raster_time
adc = pp.make_adc(num_samples=n_x, dwell=dwell, delay=adc_delay, system=system)
areas_y = (np.arange(n_y) - n_y / 2) * delta_k
pre_time = max(pp.calc_duration(pp.make_trapezoid(channel="x", area=gx.area / 2, system=system)),
               pp.calc_duration(pp.make_trapezoid(channel="y", area=np.max(np.abs(areas_y)), system=system)),
               pp.calc_duration(gz90_reph)) + 2 * raster
gx_pre = pp.make_trapezoid(channel="x", area=gx.area / 2, duration=pre_time, system=system)

inv_center = rf_inv.delay + pp.calc_rf_center(rf_inv)[0]
exc_center = rf90.delay + pp.calc_rf_center(rf90)[0]
inv_part = (pp.calc_duration(rf_inv) - inv_center) + pp.calc_duration(gz_inv_spoil) + exc_center
min_ti = np.ceil(inv_part / raster) * raster
if ti < min_ti:
    raise ValueError(f"TI must be at least {min_ti * 1e3:.2f} ms (inversion pulse and spoiler)")
delay_ti = np.round((ti - inv_part) / raster) * raster
c90_to_end = pp.calc_duration(rf90, gz90) - exc_center
c180 = rf180.delay + pp.calc_rf_center(rf180)[0]
first_half = c90_to_end + pre_time + pp.calc_duration(crusher) + c180
second_half = (pp.calc_duration(rf180, gz180) - c180) + pp.calc_duration(crusher) + pp.calc_duration(gx) / 2
min_te = 2 * np.ceil(max(first_half, second_half) / raster) * raster
if te < min_te:
    raise ValueError(f"TE must be at least {min_te * 1e3:.2f} ms with these pulses and gradients")
delay1 = np.round((te / 2 - first_half) / raster) * raster
delay2 = np.round((te / 2 - second_half) / raster) * raster
used = (pp.calc_duration(rf_inv) + pp.calc_duration(gz_inv_spoil) + delay_ti + pp.calc_duration(rf90, gz90)
        + pre_time + delay1 + 2 * pp.calc_duration(crusher) + pp.calc_duration(rf180, gz180) + delay2
        + pp.calc_duration(gx))
min_tr = used + raster
if tr < min_tr:
    raise ValueError(f"TR must be at least {min_tr * 1e3:.2f} ms with this TI and TE")
delay_tr = np.round((tr - used) / raster) * raster

for iy in range(n_y):
    seq.add_block(rf_inv)
    seq.add_block(gz_inv_spoil)
    seq.add_block(pp.make_delay(delay_ti))
    seq.add_block(rf90, gz90)
    gy_pre = pp.make_trapezoid(channel="y", area=areas_y[iy], duration=pre_time, system=system)
    seq.add_block(gx_pre, gy_pre, gz90_reph)
    if delay1 > 0:
        seq.add_block(pp.make_delay(delay1))
    seq.add_block(crusher)
    seq.add_block(rf180, gz180)
    seq.add_block(crusher)
    if delay2 > 0:
        seq.add_block(pp.make_delay(delay2))
    seq.add_block(gx, adc)
    seq.add_block(pp.make_delay(delay_tr))

ok, errors = seq.check_timing()
print("check_timing:", "passed" if ok else "FAILED")
if not ok:
    print(errors)
seq.set_definition("FOV", [fov, fov, slice_thickness])
seq.set_definition("Name", "ir_se_2d")
if __name__ == "__main__":
    seq.write("ir_se_2d.seq")
