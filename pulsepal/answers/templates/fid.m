% FID (pulse-acquire): a non-selective hard pulse followed by one long ADC, repeated; the simplest sequence and a
% first test of a scanner's frequency and RF calibration.

% --- parameters ---
flipDeg = 90;            % flip angle (degrees)
pulseDuration = 0.5e-3;  % hard pulse (s)
nSamples = 4096;         % ADC samples
dwell = 25e-6;           % ADC dwell time (s): bandwidth 1/dwell
TR = 1000e-3;            % repetition time (s)
nRepetitions = 4;        % FIDs acquired (averages)
rfDeadTime = 100e-6;     % (s)
rfRingdownTime = 20e-6;  % (s)
adcDeadTime = 10e-6;     % (s)
% --- end of parameters ---

sys = mr.opts('rfRingdownTime', rfRingdownTime, 'rfDeadTime', rfDeadTime, 'adcDeadTime', adcDeadTime);
seq = mr.Sequence(sys);
rt = sys.blockDurationRaster;

rf = mr.makeBlockPulse(flipDeg*pi/180, sys, 'Duration', pulseDuration, 'use', 'excitation');
dwell = round(dwell/sys.adcRasterTime)*sys.adcRasterTime;   % on the ADC raster
adc = mr.makeAdc(nSamples, sys, 'Dwell', dwell, 'Delay', sys.adcDeadTime);
minTR = ceil((mr.calcDuration(rf) + mr.calcDuration(adc))/rt)*rt;
if TR < minTR
    error('TR must be at least %.2f ms for this pulse and readout', minTR*1e3);
end
delayTR = round((TR - mr.calcDuration(rf) - mr.calcDuration(adc))/rt)*rt;

for r = 1:nRepetitions
    seq.addBlock(rf);
    seq.addBlock(adc);
    seq.addBlock(mr.makeDelay(delayTR));
end

[ok, errorReport] = seq.checkTiming;
if ok
    fprintf('check_timing: passed\n');
else
    fprintf('check_timing: FAILED\n'); fprintf([errorReport{:}]);
end
seq.setDefinition('Name', 'fid');
seq.write('fid.seq');
