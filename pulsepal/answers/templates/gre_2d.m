% 2D spoiled gradient echo (GRE / FLASH): slice-selective sinc excitation, Cartesian phase encoding,
% readout with prephaser, spoilers and RF spoiling; TE and TR are set by delays. Slices are acquired one after the
% other (each moved by the RF frequency offset), and LIN/SLC labels tell the reconstruction where each line goes.

% --- parameters ---
fov = 256e-3;            % field of view (m)
Nx = 64;                 % readout samples
Ny = 64;                 % phase-encoding lines
sliceThickness = 5e-3;   % (m)
nSlices = 1;             % slices, spaced by their thickness
flipDeg = 15;            % flip angle (degrees)
pulseDuration = 2e-3;    % sinc excitation (s)
tbw = 4;                 % time-bandwidth product of the sinc
TE = 5e-3;               % echo time (s)
TR = 12e-3;              % repetition time (s)
readoutTime = 3.2e-3;    % ADC window (s)
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
% The readout's flat top must cover the k-space width within the gradient limit.
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
gxPre = mr.makeTrapezoid('x', sys, 'Area', -gx.area/2);
gyMax = mr.makeTrapezoid('y', sys, 'Area', max(abs(phaseAreas)));
preTime = max([mr.calcDuration(gxPre), mr.calcDuration(gyMax), mr.calcDuration(gzReph)]) + 2*rt;
gxPre = mr.makeTrapezoid('x', sys, 'Area', -gx.area/2, 'Duration', preTime);
% Spoilers: a readout-direction crusher and a slice crusher after each echo.
gxSpoil = mr.makeTrapezoid('x', sys, 'Area', 2*Nx*deltak);
gzSpoil = mr.makeTrapezoid('z', sys, 'Area', 4/sliceThickness);

% TE runs from the RF centre to the echo (the middle of the readout); TR is one repetition.
rfCenterToEnd = mr.calcDuration(rf, gz) - (rf.delay + mr.calcRfCenter(rf));
minTE = rfCenterToEnd + preTime + mr.calcDuration(gx)/2;
spoilTime = max(mr.calcDuration(gxSpoil, gzSpoil), preTime);
if TE < minTE
    error('TE must be at least %.2f ms with these gradients', minTE*1e3);
end
minTR = mr.calcDuration(rf, gz) + preTime + mr.calcDuration(gx) + spoilTime + (TE - minTE);
if TR < minTR
    error('TR must be at least %.2f ms with these gradients and this TE', minTR*1e3);
end
delayTE = round((TE - minTE)/rt)*rt;
delayTR = round((TR - minTR)/rt)*rt;

slicePositions = ((0:nSlices-1) - (nSlices - 1)/2)*sliceThickness;
rfPhase = 0; rfInc = 0;
for s = 1:nSlices
    rf.freqOffset = gz.amplitude*slicePositions(s);   % moves the excited slice
    for i = 1:Ny
        rf.phaseOffset = rfPhase/180*pi;   % quadratic RF spoiling, 117 degree increment
        adc.phaseOffset = rfPhase/180*pi;
        rfInc = mod(rfInc + 117, 360);
        rfPhase = mod(rfPhase + rfInc, 360);
        seq.addBlock(rf, gz);
        gyPre = mr.makeTrapezoid('y', sys, 'Area', phaseAreas(i), 'Duration', preTime);
        seq.addBlock(gxPre, gyPre, gzReph);
        if delayTE > 0
            seq.addBlock(mr.makeDelay(delayTE));
        end
        seq.addBlock(gx, adc, mr.makeLabel('SET', 'LIN', i - 1), mr.makeLabel('SET', 'SLC', s - 1));
        gyRewind = mr.makeTrapezoid('y', sys, 'Area', -phaseAreas(i), 'Duration', preTime);
        seq.addBlock(gxSpoil, gyRewind, gzSpoil, mr.makeDelay(spoilTime + delayTR));
    end
end

[ok, errorReport] = seq.checkTiming;
if ok
    fprintf('check_timing: passed\n');
else
    fprintf('check_timing: FAILED\n'); fprintf([errorReport{:}]);
end
seq.setDefinition('FOV', [fov fov sliceThickness*nSlices]);
seq.setDefinition('Name', 'gre_2d');
seq.write('gre_2d.seq');
