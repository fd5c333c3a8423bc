#!/usr/bin/env python3
"""PyTorch peer of `halo bench`: the CNN of METHODS.md section 2 and ALAD of
section 3 (paper widths) on one CPU thread, timed the way halo/core/bench
times its own stages.

  python3 bench/peers/torch_peer.py [--quick] [--json FILE] [--threads N]

Stages: a float32 matmul 128x256x256 (the roofline of the run), one training
epoch of the paper CNN (55,216 pairs of D = 39, batch 128, SGD momentum 0.9,
lr 0.01), CNN inference (pairs/s), one training epoch of ALAD with the W
paper's widths (54,467 rows of D = 39, batch 128, Adam lr 1e-4 beta1 0.5,
spectral norm on the hidden layers of E, Dxz, Dxx, Dzz) and ALAD scoring
(cells/s). Inputs are random: the speed of a dense network does not depend on
the values. FLOPs are counted as in halo/core/bench (2 per multiply-add, a
training step = 3 forward passes; ALAD's step as ALADTrainMACs).

Exits 0 with a message when PyTorch is not installed.
"""
import argparse
import json
import os
import platform
import sys
import time

# One BLAS thread, as the anchors (and one browser worker); set before torch
# loads OpenBLAS. Export OPENBLAS_NUM_THREADS / OMP_NUM_THREADS to change.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

try:
    import torch
    import torch.nn as nn
except ImportError:
    print("torch_peer: skipped: PyTorch is not installed (python3 -c 'import torch' fails); "
          "on Debian: apt-get install python3-torch libopenblas0-pthread")
    sys.exit(0)

D = 39
CNN_CHANNELS = [30, 30, 30, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40]
CNN_STRIDES = [1, 1, 1, 2, 1, 1, 2, 1, 1, 2, 1, 1, 2]


def cnn_macs(d):
    """Multiply-adds of one pair (cnn.Arch.MACs of halo)."""
    macs, length, cin = 0, d, 1
    for c, s in zip(CNN_CHANNELS, CNN_STRIDES):
        length = (length - 1) // s + 1
        macs += length * 3 * cin * c
        cin = c
    return macs + cin


class PairCNN(nn.Module):
    def __init__(self):
        super().__init__()
        layers, cin = [], 1
        for c, s in zip(CNN_CHANNELS, CNN_STRIDES):
            conv = nn.Conv1d(cin, c, 3, stride=s, padding=1)
            nn.init.kaiming_normal_(conv.weight, nonlinearity="relu")
            nn.init.zeros_(conv.bias)
            layers += [conv, nn.ReLU()]
            cin = c
        self.conv = nn.Sequential(*layers)
        self.fc = nn.Linear(cin, 1)

    def forward(self, x):  # x: (batch, D)
        h = self.conv(x.unsqueeze(1))
        return self.fc(h.mean(dim=2)).squeeze(1)


def sn(layer):
    return nn.utils.spectral_norm(layer)


class ALAD(nn.Module):
    """The W paper's widths (METHODS.md section 3)."""

    def __init__(self, d, latent=64):
        super().__init__()
        lr = lambda: nn.LeakyReLU(0.2)
        self.enc = nn.Sequential(sn(nn.Linear(d, 256)), lr(), sn(nn.Linear(256, 128)), lr(), nn.Linear(128, latent))
        self.gen = nn.Sequential(nn.Linear(latent, 128), nn.ReLU(), nn.Linear(128, 256), nn.ReLU(), nn.Linear(256, d))
        self.xz_x = nn.Sequential(sn(nn.Linear(d, 128, bias=False)), nn.BatchNorm1d(128), lr())
        self.xz_z = nn.Sequential(sn(nn.Linear(latent, 128)), lr(), nn.Dropout(0.5))
        self.xz_j = nn.Sequential(sn(nn.Linear(256, 256)), lr(), nn.Dropout(0.5), nn.Linear(256, 1))
        self.xx_f = nn.Sequential(sn(nn.Linear(2 * d, 256)), lr(), nn.Dropout(0.2), sn(nn.Linear(256, 128)), lr(), nn.Dropout(0.2))
        self.xx_l = nn.Linear(128, 1)
        self.zz = nn.Sequential(sn(nn.Linear(2 * latent, 64)), lr(), nn.Dropout(0.2), sn(nn.Linear(64, 32)), lr(), nn.Dropout(0.2), nn.Linear(32, 1))
        self.latent = latent

    def dxz(self, x, z):
        return self.xz_j(torch.cat([self.xz_x(x), self.xz_z(z)], 1))

    def dxx(self, x, x2):
        f = self.xx_f(torch.cat([x, x2], 1))
        return self.xx_l(f), f

    def dzz(self, z, z2):
        return self.zz(torch.cat([z, z2], 1))

    def score(self, x):
        rec = self.gen(self.enc(x))
        _, f_real = self.dxx(x, x)
        _, f_fake = self.dxx(x, rec)
        return (f_real - f_fake).abs().sum(1)


def alad_train_macs(d, latent=64):
    """ALADTrainMACs of halo/core/bench at the paper widths."""
    e = d * 256 + 256 * 128 + 128 * latent
    g = latent * 128 + 128 * 256 + 256 * d
    dxz = d * 128 + latent * 128 + 256 * 256 + 256
    dxx = 2 * d * 256 + 256 * 128 + 128
    dzz = 2 * latent * 64 + 64 * 32 + 32
    gen, disc = 2 * (e + g), 2 * (dxz + dxx + dzz)
    return (gen + disc + 2 * disc) + 3 * (gen + disc)


def alad_score_macs(d, latent=64):
    e = d * 256 + 256 * 128 + 128 * latent
    g = latent * 128 + 128 * 256 + 256 * d
    return e + g + 2 * (2 * d * 256 + 256 * 128)


_cpu0 = [0.0]


def clock():
    """Starts a stage: returns the wall clock and notes the CPU clock."""
    _cpu0[0] = time.process_time()
    return time.perf_counter()


def stage(name, items, unit, seconds, flops, roof):
    cpu = time.process_time() - _cpu0[0]
    s = {"name": name, "items": items, "unit": unit, "seconds": seconds, "rate": items / seconds,
         "cpu_seconds": cpu, "cpu_rate": items / cpu if cpu > 0 else 0}
    if flops:
        s["flops"] = flops
        s["gflops"] = flops / seconds / 1e9
        if roof:
            s["roofline"] = s["gflops"] / roof
    return s


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="small work per stage")
    ap.add_argument("--json", help="write the results to FILE")
    ap.add_argument("--threads", type=int, default=1, help="torch threads (default 1, as the anchors)")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    stages = []

    # Roofline: float32 128x256 by 256x256 products for about 1 s.
    A, B = torch.randn(128, 256), torch.randn(256, 256)
    torch.mm(A, B)
    t0, n = clock(), 0
    while time.perf_counter() - t0 < (0.2 if a.quick else 1.0):
        for _ in range(8):
            torch.mm(A, B)
        n += 8
    sec = time.perf_counter() - t0
    flops = 2.0 * 128 * 256 * 256 * n
    roof = flops / sec / 1e9
    stages.append(stage("roofline", n, "products", sec, flops, roof))

    # CNN of METHODS.md section 2: one epoch of 55,216 pairs.
    npairs = 2048 if a.quick else 55216
    X, Y = torch.rand(npairs, D), torch.randint(0, 2, (npairs,)).float()
    net = PairCNN()
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    lossf = nn.BCEWithLogitsLoss()
    macs = cnn_macs(D)
    t0 = clock()
    perm = torch.randperm(npairs)
    for i in range(0, npairs, 128):
        idx = perm[i:i + 128]
        opt.zero_grad()
        loss = lossf(net(X[idx]), Y[idx])
        loss.backward()
        opt.step()
    sec = time.perf_counter() - t0
    stages.append(stage("cnn train paper", npairs, "pairs", sec, 6.0 * macs * npairs, roof))

    ninf = 4096 if a.quick else 32768
    Xi = torch.rand(ninf, D)
    with torch.no_grad():
        net(Xi[:1024])
        t0 = clock()
        for i in range(0, ninf, 1024):
            net(Xi[i:i + 1024])
        sec = time.perf_counter() - t0
    stages.append(stage("cnn infer paper", ninf, "pairs", sec, 2.0 * macs * ninf, roof))

    # ALAD of METHODS.md section 3, paper widths: one epoch of 54,467 rows.
    nrows = 2048 if a.quick else 54467
    Xa = torch.randn(nrows, D)
    m = ALAD(D)
    d_params = [p for n_, p in m.named_parameters() if n_.split(".")[0] in ("xz_x", "xz_z", "xz_j", "xx_f", "xx_l", "zz")]
    ge_params = list(m.enc.parameters()) + list(m.gen.parameters())
    opt_d = torch.optim.Adam(d_params, lr=1e-4, betas=(0.5, 0.999))
    opt_ge = torch.optim.Adam(ge_params, lr=1e-4, betas=(0.5, 0.999))
    bce = nn.BCEWithLogitsLoss()
    ema = [p.detach().clone() for p in m.parameters()]

    def ce(logit, y):
        return bce(logit, torch.full_like(logit, float(y)))

    m.train()
    t0 = clock()
    perm = torch.randperm(nrows)
    done = 0
    for i in range(0, nrows - 127, 128):  # a partial last batch is dropped
        x = Xa[perm[i:i + 128]]
        z = torch.randn(128, m.latent)
        # Discriminator step.
        ex, gz = m.enc(x), m.gen(z)
        recx, recz = m.gen(ex), m.enc(gz)
        l_d = (ce(m.dxz(x, ex.detach()), 1) + ce(m.dxz(gz.detach(), z), 0)
               + ce(m.dxx(x, x)[0], 1) + ce(m.dxx(x, recx.detach())[0], 0)
               + ce(m.dzz(z, z), 1) + ce(m.dzz(z, recz.detach()), 0))
        opt_d.zero_grad()
        l_d.backward()
        opt_d.step()
        # Generator / encoder step.
        ex, gz = m.enc(x), m.gen(z)
        recx, recz = m.gen(ex), m.enc(gz)
        cycle = (ce(m.dxx(x, x)[0], 0) + ce(m.dxx(x, recx)[0], 1) + ce(m.dzz(z, z), 0) + ce(m.dzz(z, recz), 1))
        l_ge = ce(m.dxz(gz, z), 1) + ce(m.dxz(x, ex), 0) + cycle
        opt_d.zero_grad()
        opt_ge.zero_grad()
        l_ge.backward()
        opt_ge.step()
        with torch.no_grad():
            for e, p in zip(ema, m.parameters()):
                e.mul_(0.999).add_(p.detach(), alpha=0.001)
        done += 128
    sec = time.perf_counter() - t0
    stages.append(stage("alad train paper", done, "samples", sec, 2.0 * alad_train_macs(D) * done, roof))

    m.eval()
    with torch.no_grad():
        m.score(Xa[:1024])
        t0 = clock()
        for i in range(0, nrows, 1024):
            m.score(Xa[i:i + 1024])
        sec = time.perf_counter() - t0
    stages.append(stage("alad score paper", nrows, "cells", sec, 2.0 * alad_score_macs(D) * nrows, roof))

    res = {"peer": "pytorch", "torch": torch.__version__, "threads": torch.get_num_threads(),
           "openblas_threads": os.environ.get("OPENBLAS_NUM_THREADS"),
           "python": platform.python_version(), "quick": a.quick, "roofline_gflops": roof, "stages": stages}
    print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} thread(s), roofline torch.mm 128x256x256: {roof:.2f} GFLOPS"
          + (" [quick]" if a.quick else ""))
    print(f"{'stage':<18}{'work':>18}{'seconds':>10}{'cpu s':>8}{'rate':>22}{'GFLOPS':>9}{'roofline':>10}")
    for s in stages:
        work = f"{s['items']:,} {s['unit']}"
        rate = f"{s['rate']:,.0f} {s['unit']}/s"
        print(f"{s['name']:<18}{work:>18}{s['seconds']:>10.3f}{s['cpu_seconds']:>8.3f}{rate:>22}{s.get('gflops', 0):>9.2f}{100 * s.get('roofline', 0):>9.0f}%")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(res, f, indent=1)


if __name__ == "__main__":
    main()
