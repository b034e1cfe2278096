#!/usr/bin/env bash
# Runs once, when Gradescope builds the autograder image (Ubuntu, as root).
set -euo pipefail
curl -fsSL https://deb.nodesource.com/setup_22.x | bash -
# the sandbox runs a dockerd of its own; busybox-static builds the probe image offline
apt-get install -y nodejs docker.io iptables busybox-static
npm install -g /autograder/source/docknet-grader-*.tgz
