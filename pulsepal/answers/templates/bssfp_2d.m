% 2D balanced SSFP (bSSFP / TrueFISP / FIESTA): every gradient is rewound within the TR, the RF phase alternates
% by 180 degrees, TE = TR/2; an alpha/2 pulse half a TR before the train prepares the steady state.

% --- parameters ---
fov = 256e-3;            % field of view (m)
Nx = 128;                % readout samples
Ny = 128;                % phase-encoding lines
sliceThickness = 5e-3;   % (m)
flipDeg = 50;            % flip angle (degrees)
pulseDuration = 1e-3;    % sinc excitation (s)
tbw = 2;                 % time-bandwidth product of the sinc
TR = 0;                  % repetition time (s); 0 = the shortest these gradients allow (TE is always TR/2)
readoutTime = 1.28e-3;   % ADC window (s)
nDummies = 10;           % repetitions before data are acquired
maxGrad = 28;            % gradient limit (mT/m)
maxSlew = 150;           % slew-rate limit (T/m/s)
rfDeadTime = 100e-6;     % (s)
rfRingdownTime = 20e-6;  % (s)
adcDeadTime = 10e-6;     % (s)
% --- end of parameters ---

sys = mr.opts('MaxGrad', maxGrad, 'GradUnit', 'mT/m', 'MaxSlew', maxSlew, 'SlewUnit', 'T/m/s', ...
    'rfRingdownTime', rfRingdownTime, 'rfDeadTime', rfDeadTime, 'adcDeadTime', adcDeadTime);
seq = mr.Sequence(sys);
rt = sys.gradRasterTime;
deltak = 1/fov;
minReadoutTime = ceil(Nx*deltak/sys.maxGrad/rt)*rt;
if readoutTime < minReadoutTime
    error('readoutTime must be at least %.2f ms for this FOV and matrix', minReadoutTime*1e3);
end

[rf, gz, gzReph] = mr.makeSincPulse(flipDeg*pi/180, sys, 'Duration', pulseDuration, 'SliceThickness', sliceThickness, ...
    'apodization', 0.5, 'timeBwProduct', tbw, 'use', 'excitation');
% The ADC dwell time lies on the ADC raster; the flat top covers the samples on the gradient raster.
dwell = round(readoutTime/Nx/sys.adcRasterTime)*sys.adcRasterTime;
flatTime = ceil(Nx*dwell/rt)*rt;
gx = mr.makeTrapezoid('x', sys, 'FlatArea', Nx*deltak*flatTime/(Nx*dwell), 'FlatTime', flatTime);
adc = mr.makeAdc(Nx, sys, 'Dwell', dwell, 'Delay', gx.riseTime + round((flatTime - Nx*dwell)/2/sys.rfRasterTime)*sys.rfRasterTime);
phaseAreas = ((0:Ny-1) - Ny/2)*deltak;
% One duration for the prephasers before the readout and the rewinders after it, on all three axes.
encTime = max([mr.calcDuration(mr.makeTrapezoid('x', sys, 'Area', gx.area/2)), ...
    mr.calcDuration(mr.makeTrapezoid('y', sys, 'Area', max(abs(phaseAreas)))), mr.calcDuration(gzReph)]) + 2*rt;
gxPre = mr.makeTrapezoid('x', sys, 'Area', -gx.area/2, 'Duration', encTime);
gzPre = mr.makeTrapezoid('z', sys, 'Area', gzReph.area, 'Duration', encTime);

rfBlock = mr.calcDuration(rf, gz);
minTR = ceil((rfBlock + 2*encTime + mr.calcDuration(gx))/rt)*rt;
if TR == 0
    TR = minTR;
end
if TR < minTR
    error('TR must be at least %.2f ms with these gradients', minTR*1e3);
end
pad = round((TR - minTR)/2/rt)*rt;   % split evenly so the echo stays at TR/2
% Preparation: alpha/2 with the opposite phase, half a TR before the first alpha pulse.
rfPrep = mr.makeSincPulse(flipDeg*pi/180/2, sys, 'Duration', pulseDuration, 'SliceThickness', sliceThickness, ...
    'apodization', 0.5, 'timeBwProduct', tbw, 'PhaseOffset', pi, 'use', 'preparation');
seq.addBlock(rfPrep, gz);
seq.addBlock(gzPre);
prepGap = round((TR/2 - rfBlock - encTime)/rt)*rt;
if prepGap > 0  % a pulse longer than the readout leaves no gap: the alpha/2 then sits just over TR/2 before
    seq.addBlock(mr.makeDelay(prepGap));
end

for i = -nDummies:Ny-1
    phase = pi*mod(i, 2);   % alternate the RF phase by 180 degrees
    rf.phaseOffset = phase;
    adc.phaseOffset = phase;
    if i >= 0
        areaY = phaseAreas(i + 1);
    else
        areaY = 0;
    end
    seq.addBlock(rf, gz);
    gyPre = mr.makeTrapezoid('y', sys, 'Area', areaY, 'Duration', encTime);
    seq.addBlock(gxPre, gyPre, gzPre, mr.makeDelay(encTime + pad));
    if i >= 0
        seq.addBlock(gx, adc);
    else
        seq.addBlock(gx);   % dummy repetitions: same gradients, no sampling
    end
    gyRew = mr.makeTrapezoid('y', sys, 'Area', -areaY, 'Duration', encTime);
    seq.addBlock(gxPre, gyRew, gzPre, mr.makeDelay(encTime + pad));
end

[ok, errorReport] = seq.checkTiming;
if ok
    fprintf('check_timing: passed\n');
else
    fprintf('check_timing: FAILED\n'); fprintf([errorReport{:}]);
end
seq.setDefinition('FOV', [fov fov sliceThickness]);
seq.setDefinition('Name', 'bssfp_2d');
seq.write('bssfp_2d.seq');
