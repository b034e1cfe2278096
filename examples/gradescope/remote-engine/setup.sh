#!/usr/bin/env bash
# Runs once, when Gradescope builds the autograder image (Ubuntu, as root).
set -euo pipefail
# docknet needs Node ^20.19 || >=22.12; Ubuntu's own package is older
curl -fsSL https://deb.nodesource.com/setup_22.x | bash -
apt-get install -y nodejs jq
# the packed docknet: no registry, no build, the exact version the course tested
npm install -g /autograder/source/docknet-grader-*.tgz
