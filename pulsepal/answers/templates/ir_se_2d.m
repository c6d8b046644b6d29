% title: Inversion recovery spin echo (IR-SE)
% sequence_type: inversion recovery
% Adiabatic inversion, spoiler, TI delay, then a slice-selective spin echo line per TR.

sys = mr.opts('MaxGrad', 28, 'GradUnit', 'mT/m', 'MaxSlew', 120, 'SlewUnit', 'T/m/s', ...
              'rfRingdownTime', 20e-6, 'rfDeadTime', 100e-6, 'adcDeadTime', 10e-6);
seq = mr.Sequence(sys);

fov = 220e-3; Nx = 64; Ny = 32;
sliceThickness = 5e-3;
TI = 400e-3; TE = 20e-3; TR = 2000e-3;

rfInv = mr.makeAdiabaticPulse('hypsec', sys, 'Duration', 10.24e-3, 'use', 'inversion');
gzInvSpoil = mr.makeTrapezoid('z', sys, 'Area', 6/sliceThickness, 'Duration', 3e-3);
[rf90, gz90, gz90Reph] = mr.makeSincPulse(pi/2, sys, 'Duration', 3e-3, 'SliceThickness', sliceThickness, ...
    'timeBwProduct', 4, 'use', 'excitation');
[rf180, gz180] = mr.makeSincPulse(pi, sys, 'Duration', 3e-3, 'SliceThickness', sliceThickness, ...
    'timeBwProduct', 4, 'PhaseOffset', pi/2, 'use', 'refocusing');
crusher = mr.makeTrapezoid('z', sys, 'Area', 3/sliceThickness, 'Duration', 1.6e-3);
deltak = 1/fov;
gx = mr.makeTrapezoid('x', sys, 'FlatArea', Nx*deltak, 'FlatTime', 4e-3);
adc = mr.makeAdc(Nx, sys, 'Duration', gx.flatTime, 'Delay', gx.riseTime);
gxPre = mr.makeTrapezoid('x', sys, 'Area', gx.area/2, 'Duration', 2e-3);
areasY = ((0:Ny-1) - Ny/2)*deltak;

rt = sys.gradRasterTime;
invCenter = rfInv.delay + mr.calcRfCenter(rfInv);
excCenter = rf90.delay + mr.calcRfCenter(rf90);
delayTI = ceil((TI - (mr.calcDuration(rfInv) - invCenter) - mr.calcDuration(gzInvSpoil) - excCenter)/rt)*rt;
c90ToEnd = mr.calcDuration(rf90, gz90) - excCenter;
c180 = rf180.delay + mr.calcRfCenter(rf180);
delay1 = ceil((TE/2 - c90ToEnd - mr.calcDuration(gxPre) - mr.calcDuration(crusher) - c180)/rt)*rt;
delay2 = ceil((TE/2 - (mr.calcDuration(rf180, gz180) - c180) - mr.calcDuration(crusher) ...
              - mr.calcDuration(gx)/2)/rt)*rt;
used = mr.calcDuration(rfInv) + mr.calcDuration(gzInvSpoil) + delayTI + mr.calcDuration(rf90, gz90) ...
       + mr.calcDuration(gxPre) + delay1 + 2*mr.calcDuration(crusher) + mr.calcDuration(rf180, gz180) ...
       + delay2 + mr.calcDuration(gx);
delayTR = ceil((TR - used)/rt)*rt;
assert(min([delayTI delay1 delay2 delayTR]) > 0, 'TI, TE or TR too short');

for iy = 1:Ny
    seq.addBlock(rfInv);
    seq.addBlock(gzInvSpoil);
    seq.addBlock(mr.makeDelay(delayTI));
    seq.addBlock(rf90, gz90);
    gyPre = mr.makeTrapezoid('y', sys, 'Area', areasY(iy), 'Duration', 2e-3);
    seq.addBlock(gxPre, gyPre, gz90Reph);
    seq.addBlock(mr.makeDelay(delay1));
    seq.addBlock(crusher);
    seq.addBlock(rf180, gz180);
    seq.addBlock(crusher);
    seq.addBlock(mr.makeDelay(delay2));
    seq.addBlock(gx, adc);
    seq.addBlock(mr.makeDelay(delayTR));
end

[ok, errorReport] = seq.checkTiming;
if ~ok, fprintf([errorReport{:}]); end
seq.setDefinition('FOV', [fov fov sliceThickness]);
seq.setDefinition('Name', 'ir_se_2d');
seq.write('ir_se_2d.seq');
