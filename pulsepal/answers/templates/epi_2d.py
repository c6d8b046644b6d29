"""
title: 2D single-shot gradient-echo EPI
sequence_type: epi
keywords: epi echo planar imaging single shot blipped phase encoding bipolar readout fmri diffusion fat saturation ramp
description: Sinc excitation, one shot of alternating readout gradients with phase-encoding blips; the ADC samples the flat top of each readout lobe.
"""

import numpy as np
import pypulseq as pp

system = pp.Opts(
    max_grad=32, grad_unit="mT/m", max_slew=130, slew_unit="T/m/s",
    rf_ringdown_time=30e-6, rf_dead_time=100e-6, adc_dead_time=20e-6,
)
seq = pp.Sequence(system=system)

fov, n_x, n_y = 220e-3, 64, 64
slice_thickness = 3e-3
n_slices = 3
dwell = 4e-6                      # ADC dwell time (s)

rf, gz, gz_reph = pp.make_sinc_pulse(
    flip_angle=np.pi / 2, duration=3e-3, slice_thickness=slice_thickness, time_bw_product=4,
    apodization=0.5, system=system, return_gz=True, use="excitation",
)
delta_k = 1 / fov
k_width = n_x * delta_k
readout_time = n_x * dwell
flat_time = np.ceil(readout_time / system.grad_raster_time) * system.grad_raster_time
gx = pp.make_trapezoid(channel="x", flat_area=k_width, flat_time=flat_time, system=system)
adc = pp.make_adc(num_samples=n_x, dwell=dwell, delay=gx.rise_time + (flat_time - readout_time) / 2, system=system)

# Each phase blip gets its own short block between readout lobes: simple and always legal, at the cost of a
# slightly longer echo spacing than blips overlapping the ramps.
blip_duration = np.ceil(2 * np.sqrt(delta_k / system.max_slew) / 10e-6) * 10e-6
gy_blip = pp.make_trapezoid(channel="y", area=-delta_k, duration=blip_duration, system=system)

gx_pre = pp.make_trapezoid(channel="x", area=-gx.area / 2, system=system)
gy_pre = pp.make_trapezoid(channel="y", area=n_y / 2 * delta_k, system=system)
gx_pre, gy_pre, gz_reph = pp.align(right=[gx_pre], left=[gy_pre, gz_reph])

for s in range(n_slices):
    rf.freq_offset = gz.amplitude * slice_thickness * (s - (n_slices - 1) / 2)
    seq.add_block(rf, gz)
    seq.add_block(gx_pre, gy_pre, gz_reph)
    for line in range(n_y):
        seq.add_block(gx, adc)
        if line < n_y - 1:
            seq.add_block(gy_blip)
        gx.amplitude = -gx.amplitude   # alternate the readout direction
    gx.amplitude = abs(gx.amplitude)
    seq.add_block(pp.make_delay(10e-3))

ok, errors = seq.check_timing()
print("check_timing:", "passed" if ok else "FAILED")
if not ok:
    print(errors)
seq.set_definition("FOV", [fov, fov, slice_thickness])
seq.set_definition("Name", "epi_2d")
if __name__ == "__main__":
    seq.write("epi_2d.seq")
