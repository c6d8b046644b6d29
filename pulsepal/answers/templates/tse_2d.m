% 2D turbo spin echo (TSE / FSE / RARE): one 90-degree excitation followed by a CPMG train of refocusing pulses;
% each echo reads its own phase-encoding line, so one TR acquires nEchoes lines.

% --- parameters ---
fov = 220e-3;            % field of view (m)
Nx = 128;                % readout samples
Ny = 128;                % phase-encoding lines (a multiple of nEchoes)
sliceThickness = 5e-3;   % (m)
nEchoes = 16;            % echo-train length (turbo factor)
TE = 80e-3;              % effective echo time: when the centre of k-space is read (s)
TR = 3000e-3;            % repetition time (s)
readoutTime = 6.4e-3;    % ADC window per echo (s)
maxGrad = 28;            % gradient limit (mT/m)
maxSlew = 120;           % slew-rate limit (T/m/s)
rfDeadTime = 100e-6;     % (s)
rfRingdownTime = 20e-6;  % (s)
adcDeadTime = 10e-6;     % (s)
% --- end of parameters ---

sys = mr.opts('MaxGrad', maxGrad, 'GradUnit', 'mT/m', 'MaxSlew', maxSlew, 'SlewUnit', 'T/m/s', ...
    'rfRingdownTime', rfRingdownTime, 'rfDeadTime', rfDeadTime, 'adcDeadTime', adcDeadTime);
seq = mr.Sequence(sys);
rt = sys.gradRasterTime;
deltak = 1/fov;
if mod(Ny, nEchoes) ~= 0
    error('Ny must be a multiple of nEchoes');
end
nShots = Ny/nEchoes;
minReadoutTime = ceil(Nx*deltak/sys.maxGrad/rt)*rt;
if readoutTime < minReadoutTime
    error('readoutTime must be at least %.2f ms for this FOV and matrix', minReadoutTime*1e3);
end

[rf90, gz90, gz90Reph] = mr.makeSincPulse(pi/2, sys, 'Duration', 3e-3, 'SliceThickness', sliceThickness, ...
    'timeBwProduct', 4, 'apodization', 0.5, 'use', 'excitation');
% CPMG: refocusing pulses 90 degrees out of phase with the excitation.
[rf180, gz180] = mr.makeSincPulse(pi, sys, 'Duration', 2.5e-3, 'SliceThickness', sliceThickness, ...
    'timeBwProduct', 4, 'apodization', 0.5, 'PhaseOffset', pi/2, 'use', 'refocusing');
crusher = mr.makeTrapezoid('z', sys, 'Area', 4/sliceThickness);
% The ADC dwell time lies on the ADC raster; the flat top covers the samples on the gradient raster.
dwell = round(readoutTime/Nx/sys.adcRasterTime)*sys.adcRasterTime;
flatTime = ceil(Nx*dwell/rt)*rt;
gx = mr.makeTrapezoid('x', sys, 'FlatArea', Nx*deltak*flatTime/(Nx*dwell), 'FlatTime', flatTime);
adc = mr.makeAdc(Nx, sys, 'Dwell', dwell, 'Delay', gx.riseTime + round((flatTime - Nx*dwell)/2/sys.rfRasterTime)*sys.rfRasterTime);
phaseAreas = ((0:Ny-1) - Ny/2)*deltak;
peTime = mr.calcDuration(mr.makeTrapezoid('y', sys, 'Area', max(abs(phaseAreas)))) + 2*rt;
% Between the excitation and the first refocusing pulse the readout needs half its area (the 180 inverts it).
preTime = max(mr.calcDuration(mr.makeTrapezoid('x', sys, 'Area', gx.area/2)), mr.calcDuration(gz90Reph));
gxPre = mr.makeTrapezoid('x', sys, 'Area', gx.area/2, 'Duration', preTime);

refCenter = rf180.delay + mr.calcRfCenter(rf180);
refBlock = mr.calcDuration(rf180, gz180);
crush = mr.calcDuration(crusher);
% Each half of the echo spacing: refocusing pulse centre -> crusher -> phase encode -> half the readout.
halfESP = max(refBlock - refCenter, refCenter) + crush + peTime + mr.calcDuration(gx)/2;
echoSpacing = 2*ceil(halfESP/rt)*rt;
excCenterToEnd = mr.calcDuration(rf90, gz90) - (rf90.delay + mr.calcRfCenter(rf90));
delay0 = round((echoSpacing/2 - excCenterToEnd - preTime - crush - refCenter)/rt)*rt;
if delay0 < 0
    error('the excitation and prephaser do not fit in half an echo spacing; shorten them');
end
% The echo that reads the centre of k-space sets the effective TE.
if TE < echoSpacing || TE > nEchoes*echoSpacing
    error('TE must lie between %.2f ms and %.2f ms', echoSpacing*1e3, nEchoes*echoSpacing*1e3);
end
centerEcho = min(max(round(TE/echoSpacing) - 1, 0), nEchoes - 1);
gapA = round((echoSpacing/2 - (refBlock - refCenter) - crush - peTime - mr.calcDuration(gx)/2)/rt)*rt;
gapB = round((echoSpacing/2 - refCenter - crush - peTime - mr.calcDuration(gx)/2)/rt)*rt;
gzSpoil = mr.makeTrapezoid('z', sys, 'Area', 8/sliceThickness);
shot = mr.calcDuration(rf90, gz90) + preTime + delay0 + crush + nEchoes*echoSpacing + mr.calcDuration(gzSpoil);
if TR < shot + rt
    error('TR must be at least %.2f ms for %d echoes', (shot + rt)*1e3, nEchoes);
end
delayTR = round((TR - shot)/rt)*rt;

for s = 1:nShots
    seq.addBlock(rf90, gz90);
    seq.addBlock(gxPre, gz90Reph);
    if delay0 > 0
        seq.addBlock(mr.makeDelay(delay0));
    end
    for e = 1:nEchoes
        line = mod((e - 1 - centerEcho)*nShots + (s - 1) + Ny/2, Ny) + 1;   % centre line at the chosen echo
        seq.addBlock(crusher);
        seq.addBlock(rf180, gz180);
        seq.addBlock(crusher);
        if gapA > 0
            seq.addBlock(mr.makeDelay(gapA));
        end
        seq.addBlock(mr.makeTrapezoid('y', sys, 'Area', phaseAreas(line), 'Duration', peTime));
        seq.addBlock(gx, adc);
        seq.addBlock(mr.makeTrapezoid('y', sys, 'Area', -phaseAreas(line), 'Duration', peTime));
        if gapB > 0
            seq.addBlock(mr.makeDelay(gapB));
        end
    end
    seq.addBlock(gzSpoil);
    seq.addBlock(mr.makeDelay(delayTR));
end

[ok, errorReport] = seq.checkTiming;
if ok
    fprintf('check_timing: passed\n');
else
    fprintf('check_timing: FAILED\n'); fprintf([errorReport{:}]);
end
seq.setDefinition('FOV', [fov fov sliceThickness]);
seq.setDefinition('Name', 'tse_2d');
seq.write('tse_2d.seq');
