% title: 3D FLASH (spoiled gradient echo, two phase-encoding directions)
% sequence_type: flash 3d
% Slab-selective excitation, y phase encoding and z partition encoding, RF spoiling, rewinders each TR.

sys = mr.opts('MaxGrad', 24, 'GradUnit', 'mT/m', 'MaxSlew', 120, 'SlewUnit', 'T/m/s', ...
              'rfRingdownTime', 20e-6, 'rfDeadTime', 100e-6, 'adcDeadTime', 10e-6);
seq = mr.Sequence(sys);

fov = [200e-3 200e-3 160e-3];
Nx = 48; Ny = 32; Nz = 16;
flipDeg = 8; TR = 10e-3;

[rf, gz, gzReph] = mr.makeSincPulse(flipDeg*pi/180, sys, 'Duration', 1.5e-3, 'SliceThickness', fov(3), ...
    'timeBwProduct', 4, 'apodization', 0.5, 'use', 'excitation');
deltak = 1./fov;
gx = mr.makeTrapezoid('x', sys, 'FlatArea', Nx*deltak(1), 'FlatTime', 2.4e-3);
adc = mr.makeAdc(Nx, sys, 'Duration', gx.flatTime, 'Delay', gx.riseTime);
gxPre = mr.makeTrapezoid('x', sys, 'Area', -gx.area/2, 'Duration', 1.2e-3);
gxSpoil = mr.makeTrapezoid('x', sys, 'Area', 2*Nx*deltak(1));
areasY = ((0:Ny-1) - Ny/2)*deltak(2);
areasZ = ((0:Nz-1) - Nz/2)*deltak(3);
encTime = mr.calcDuration(gxPre);

rt = sys.gradRasterTime;
fixed = mr.calcDuration(rf, gz) + encTime + mr.calcDuration(gx) + max(encTime, mr.calcDuration(gxSpoil));
delayTR = ceil((TR - fixed)/rt)*rt;
assert(delayTR >= 0, 'TR too short');

rfPhase = 0; rfInc = 0;
for iz = 1:Nz
    for iy = 1:Ny
        rf.phaseOffset = rfPhase*pi/180;
        adc.phaseOffset = rfPhase*pi/180;
        rfInc = mod(rfInc + 117, 360);
        rfPhase = mod(rfPhase + rfInc, 360);

        gyPre = mr.makeTrapezoid('y', sys, 'Area', areasY(iy), 'Duration', encTime);
        gzPre = mr.makeTrapezoid('z', sys, 'Area', areasZ(iz) + gzReph.area, 'Duration', encTime);
        seq.addBlock(rf, gz);
        seq.addBlock(gxPre, gyPre, gzPre);
        seq.addBlock(gx, adc);
        gyPost = mr.makeTrapezoid('y', sys, 'Area', -areasY(iy), 'Duration', encTime);
        gzPost = mr.makeTrapezoid('z', sys, 'Area', -areasZ(iz), 'Duration', encTime);
        seq.addBlock(gxSpoil, gyPost, gzPost);
        if delayTR > 0
            seq.addBlock(mr.makeDelay(delayTR));
        end
    end
end

[ok, errorReport] = seq.checkTiming;
if ~ok, fprintf([errorReport{:}]); end
seq.setDefinition('FOV', fov);
seq.setDefinition('Name', 'flash_3d');
seq.write('flash_3d.seq');
