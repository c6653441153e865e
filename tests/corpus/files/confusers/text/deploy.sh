#!/bin/sh
set -eu
# copies the build to the web root and restarts the service
rsync -a --delete build/ /srv/www/
systemctl restart example.service
echo done
