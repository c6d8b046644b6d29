# FID (pulse-acquire): a non-selective hard pulse followed by one long ADC, repeated; the simplest sequence and a
# first test of a scanner's frequency and RF calibration.
import numpy as np
import pypulseq as pp

# --- parameters ---
flip_deg = 90  # flip angle (degrees)
pulse_duration = 0.5e-3  # hard pulse (s)
n_samples = 4096  # ADC samples
dwell = 25e-6  # ADC dwell time (s): bandwidth 1/dwell
tr = 1000e-3  # repetition time (s)
n_repetitions = 4  # FIDs acquired (averages)
rf_dead_time = 100e-6  # (s)
rf_ringdown_time = 20e-6  # (s)
adc_dead_time = 10e-6  # (s)
# --- end of parameters ---

system = pp.Opts(rf_ringdown_time=rf_ringdown_time, rf_dead_time=rf_dead_time, adc_dead_time=adc_dead_time)
seq = pp.Sequence(system=system)
raster = system.block_duration_raster

rf = pp.make_block_pulse(flip_angle=np.deg2rad(flip_deg), duration=pulse_duration, system=system, use="excitation")
dwell = np.round(dwell / system.adc_raster_time) * system.adc_raster_time  # on the ADC raster
adc = pp.make_adc(num_samples=n_samples, dwell=dwell, delay=system.adc_dead_time, system=system)
min_tr = np.ceil((pp.calc_duration(rf) + pp.calc_duration(adc)) / raster) * raster
if tr < min_tr:
    raise ValueError(f"TR must be at least {min_tr * 1e3:.2f} ms for this pulse and readout")
delay_tr = np.round((tr - pp.calc_duration(rf) - pp.calc_duration(adc)) / raster) * raster

for _ in range(n_repetitions):
    seq.add_block(rf)
    seq.add_block(adc)
    seq.add_block(pp.make_delay(delay_tr))

ok, errors = seq.check_timing()
print("check_timing:", "passed" if ok else "FAILED")
if not ok:
    print(errors)
seq.set_definition("Name", "fid")
if __name__ == "__main__":
    seq.write("fid.seq")
