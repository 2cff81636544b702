#!/usr/bin/env bash
# Put back a backup made by deploy/backup.sh: the database into DATABASE_URL, the photos
# into MEDIA_DIR. Stop every NTVT process first, then start them again afterwards.
#
#   set -a; . /etc/ntvt/ntvt.env; set +a; deploy/restore.sh /var/backups/ntvt/ntvt-20261201T020000Z
#
# The database must be empty (a new one: createdb -O ntvt ntvt); --replace drops what is
# there first, for restoring over a damaged database on purpose.
set -euo pipefail

folder=${1:?usage: restore.sh BACKUP_FOLDER [--replace]}
replace=${2:-}
: "${DATABASE_URL:?restore.sh: DATABASE_URL is not set}"
url=${DATABASE_URL/+asyncpg/}
case $url in
  postgresql://* | postgres://*) ;;
  *) echo "restore.sh: DATABASE_URL is not a PostgreSQL database" >&2; exit 2 ;;
esac
media=${MEDIA_DIR:-./media}
# The photos come back readable by the service's user only, as NTVT itself keeps them.
umask 077

(cd "$folder" && sha256sum --check --quiet SHA256SUMS) || {
  echo "restore.sh: $folder is damaged or incomplete (SHA256SUMS does not match)" >&2; exit 2; }

tables=$(psql --dbname="$url" --tuples-only --no-align --command \
  "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
clean=()
if [ "$tables" != 0 ]; then
  if [ "$replace" != --replace ]; then
    echo "restore.sh: the database already has $tables tables; restore into a new database, or add --replace to drop them" >&2
    exit 2
  fi
  clean=(--clean --if-exists)
fi
pg_restore "${clean[@]}" --no-owner --no-privileges --exit-on-error --single-transaction \
  --dbname="$url" "$folder/database.dump"
if [ -f "$folder/media.tar.gz" ]; then
  mkdir -p "$media"
  tar -C "$media" -xzf "$folder/media.tar.gz"
fi
echo "restored $folder"
