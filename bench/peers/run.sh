#!/bin/sh
# Runs the PyTorch peer with the first python3 that has torch (a pyenv
# python3 may shadow Debian's /usr/bin/python3 with python3-torch), or says
# why it is skipped. Arguments go to torch_peer.py (--quick, --json FILE).
dir=$(dirname "$0")
for py in python3 /usr/bin/python3; do
	if command -v "$py" >/dev/null 2>&1 && "$py" -c 'import torch' >/dev/null 2>&1; then
		exec "$py" "$dir/torch_peer.py" "$@"
	fi
done
echo "bench/peers: skipped: no python3 with PyTorch (python3 -c 'import torch' fails); on Debian: apt-get install python3-torch libopenblas0-pthread"
