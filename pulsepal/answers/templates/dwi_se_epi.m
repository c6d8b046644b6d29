% Diffusion-weighted spin-echo EPI (DWI): a Stejskal-Tanner pair of diffusion gradients either side of the
% refocusing pulse, then a single-shot EPI readout; one b=0 image and one image per diffusion direction (x, y, z).

% --- parameters ---
fov = 220e-3;            % field of view (m)
Nx = 64;                 % readout samples
Ny = 64;                 % phase-encoding lines
sliceThickness = 4e-3;   % (m)
bValue = 1000;           % diffusion weighting (s/mm^2)
TE = 0;                  % echo time (s); 0 = the shortest this b-value allows
TR = 3000e-3;            % repetition time (s)
dwell = 4e-6;            % ADC dwell time (s)
maxGrad = 32;            % gradient limit (mT/m)
maxSlew = 130;           % slew-rate limit (T/m/s)
rfDeadTime = 100e-6;     % (s)
rfRingdownTime = 30e-6;  % (s)
adcDeadTime = 20e-6;     % (s)
% --- end of parameters ---

sys = mr.opts('MaxGrad', maxGrad, 'GradUnit', 'mT/m', 'MaxSlew', maxSlew, 'SlewUnit', 'T/m/s', ...
    'rfRingdownTime', rfRingdownTime, 'rfDeadTime', rfDeadTime, 'adcDeadTime', adcDeadTime);
seq = mr.Sequence(sys);
rt = sys.gradRasterTime;
deltak = 1/fov;
dwell = round(dwell/sys.adcRasterTime)*sys.adcRasterTime;   % on the ADC raster
readoutTime = Nx*dwell;
flatTime = ceil(readoutTime/rt)*rt;

[rf90, gz90, gz90Reph] = mr.makeSincPulse(pi/2, sys, 'Duration', 3e-3, 'SliceThickness', sliceThickness, ...
    'timeBwProduct', 4, 'apodization', 0.5, 'use', 'excitation');
[rf180, gz180] = mr.makeSincPulse(pi, sys, 'Duration', 3e-3, 'SliceThickness', sliceThickness, ...
    'timeBwProduct', 4, 'apodization', 0.5, 'PhaseOffset', pi/2, 'use', 'refocusing');
crusher = mr.makeTrapezoid('z', sys, 'Area', 3/sliceThickness);
gx = mr.makeTrapezoid('x', sys, 'FlatArea', Nx*deltak*flatTime/readoutTime, 'FlatTime', flatTime);
adc = mr.makeAdc(Nx, sys, 'Dwell', dwell, 'Delay', gx.riseTime + round((flatTime - readoutTime)/2/sys.rfRasterTime)*sys.rfRasterTime);
blipDuration = ceil(2*sqrt(deltak/sys.maxSlew)/rt)*rt;
gyBlip = mr.makeTrapezoid('y', sys, 'Area', -deltak, 'Duration', blipDuration);
gxPre = mr.makeTrapezoid('x', sys, 'Area', -gx.area/2);
gyPre = mr.makeTrapezoid('y', sys, 'Area', Ny/2*deltak);
[gxPre, gyPre] = mr.align('right', gxPre, gyPre);
echoSpacing = mr.calcDuration(gx) + blipDuration;

% Diffusion gradient: 90 % of the gradient limit, flat top lengthened until the b-value is reached.
g = 0.9*sys.maxGrad;
rise = ceil(g/sys.maxSlew/rt)*rt;
excCenterToEnd = mr.calcDuration(rf90, gz90) - (rf90.delay + mr.calcRfCenter(rf90));
refCenter = rf180.delay + mr.calcRfCenter(rf180);
refBlock = mr.calcDuration(rf180, gz180);
crush = mr.calcDuration(crusher);
toCenter = mr.calcDuration(gxPre, gyPre) + floor(Ny/2)*echoSpacing + mr.calcDuration(gx)/2;
flat = 0;
b = 0;
while true
    d = flat + 2*rise;
    firstHalf = excCenterToEnd + mr.calcDuration(gz90Reph) + d + crush + refCenter;
    secondHalf = (refBlock - refCenter) + crush + d + toCenter;
    halfTE = ceil(max(firstHalf, secondHalf)/rt)*rt;
    bigDelta = d + (halfTE - firstHalf) + crush + refBlock + crush + (halfTE - secondHalf);
    smallDelta = flat + rise;
    b = (2*pi*g)^2*(smallDelta^2*(bigDelta - smallDelta/3) + rise^3/30 - smallDelta*rise^2/6)*1e-6;
    if bValue == 0 || b >= bValue
        break;
    end
    flat = flat + rt;
    if flat > 0.2
        error('bValue is out of reach with these gradients');
    end
end
minTE = 2*halfTE;
if TE == 0
    TE = minTE;
end
if TE < minTE
    error('TE must be at least %.2f ms for b = %d s/mm^2 with these gradients', minTE*1e3, bValue);
end
delay1 = round((TE/2 - firstHalf)/rt)*rt;
delay2 = round((TE/2 - secondHalf)/rt)*rt;
shot = mr.calcDuration(rf90, gz90) + mr.calcDuration(gz90Reph) + 2*d + delay1 + delay2 + 2*crush + refBlock ...
    + mr.calcDuration(gxPre, gyPre) + Ny*mr.calcDuration(gx) + (Ny - 1)*blipDuration;
if TR < shot + rt
    error('TR must be at least %.2f ms for this TE', (shot + rt)*1e3);
end
delayTR = round((TR - shot)/rt)*rt;

axes = {'none', 'x', 'y', 'z'};   % b = 0, then one diffusion direction per image
for a = 1:numel(axes)
    if strcmp(axes{a}, 'none') || bValue == 0
        diffG = mr.makeTrapezoid('z', sys, 'Amplitude', 0, 'riseTime', rise, 'FlatTime', max(flat, rt));
    else
        diffG = mr.makeTrapezoid(axes{a}, sys, 'Amplitude', g, 'riseTime', rise, 'FlatTime', max(flat, rt));
    end
    seq.addBlock(rf90, gz90);
    seq.addBlock(gz90Reph);
    seq.addBlock(diffG);
    if delay1 > 0
        seq.addBlock(mr.makeDelay(delay1));
    end
    seq.addBlock(crusher);
    seq.addBlock(rf180, gz180);
    seq.addBlock(crusher);
    if delay2 > 0
        seq.addBlock(mr.makeDelay(delay2));
    end
    seq.addBlock(diffG);
    seq.addBlock(gxPre, gyPre);
    for line = 1:Ny
        seq.addBlock(gx, adc);
        if line < Ny
            seq.addBlock(gyBlip);
        end
        gx.amplitude = -gx.amplitude;   % alternate the readout direction
    end
    gx.amplitude = abs(gx.amplitude);
    seq.addBlock(mr.makeDelay(delayTR));
end

[ok, errorReport] = seq.checkTiming;
if ok
    fprintf('check_timing: passed\n');
else
    fprintf('check_timing: FAILED\n'); fprintf([errorReport{:}]);
end
seq.setDefinition('FOV', [fov fov sliceThickness]);
seq.setDefinition('Name', 'dwi_se_epi');
seq.write('dwi_se_epi.seq');
