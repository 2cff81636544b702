#!/usr/bin/env bash
# Back up NTVT: the database (pg_dump's custom format) and the photo folder, into one new
# folder BACKUP_DIR/ntvt-<UTC time> with a SHA256SUMS file; folders older than
# BACKUP_KEEP_DAYS (30) are removed. It reads the service's own settings:
#
#   set -a; . /etc/ntvt/ntvt.env; set +a; deploy/backup.sh /var/backups/ntvt
#
# Safe while NTVT runs. The database is dumped first, then the photos: photo files are
# named by their content and never change, so every photo the dump mentions is already
# on disk when the folder is read. With MEDIA_STORE=s3 the photos live in the bucket:
# back that up with the cloud's own versioning or replication (docs/deploy.md).
set -euo pipefail

target=${1:?usage: backup.sh BACKUP_DIR}
: "${DATABASE_URL:?backup.sh: DATABASE_URL is not set}"
url=${DATABASE_URL/+asyncpg/}
case $url in
  postgresql://* | postgres://*) ;;
  *) echo "backup.sh: DATABASE_URL is not a PostgreSQL database" >&2; exit 2 ;;
esac
media=${MEDIA_DIR:-./media}
keep_days=${BACKUP_KEEP_DAYS:-30}

umask 077
stamp=$(date -u +%Y%m%dT%H%M%SZ)
folder=$target/ntvt-$stamp
work=$folder.partial
mkdir -p "$work"
pg_dump --format=custom --no-owner --no-privileges --dbname="$url" --file="$work/database.dump"
if [ "${MEDIA_STORE:-local}" = local ]; then
  mkdir -p "$media"
  tar -C "$media" -czf "$work/media.tar.gz" .
fi
(cd "$work" && sha256sum -- * > SHA256SUMS)
# Only a finished backup carries the final name: a crash leaves a .partial folder.
mv "$work" "$folder"
find "$target" -maxdepth 1 -type d -name 'ntvt-*' -mtime +"$keep_days" -exec rm -rf -- {} +
echo "$folder"
