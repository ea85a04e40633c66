#!/usr/bin/env bash
# What keeping a search vector costs the statement that publishes posts, in PostgreSQL alone.
# Four copies of a posts-like table, 10,000 rows of 42 words in `screening`, published 100 at a
# time by the same kind of UPDATE the screening worker runs (status and body set):
#   none       no vector
#   generated  a stored generated column and its partial GIN index (the search migration)
#   gennogin   the generated column without the index
#   trigger    a plain column kept by a trigger on insert and on a change of body, and the index
# Prints the milliseconds each took, three rounds, interleaved.
#   bash bench/tools/search-vector-cost.sh            (uses a scratch database, dropped first)
set -euo pipefail
PG=${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432}
DB=kindred_bench_search_vector
psql -qX "$PG/postgres" -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" >/dev/null
P=(psql -qAtX "$PG/$DB")
"${P[@]}" -c "CREATE EXTENSION btree_gin" >/dev/null
COLS="id uuid PRIMARY KEY DEFAULT gen_random_uuid(), group_id uuid NOT NULL, body text NOT NULL, status text NOT NULL, created_at timestamptz DEFAULT now()"
"${P[@]}" >/dev/null <<SQL
CREATE TABLE p_none ($COLS);
CREATE TABLE p_generated ($COLS, sv tsvector GENERATED ALWAYS AS (setweight(to_tsvector('english', body), 'B')) STORED);
CREATE INDEX ON p_generated USING gin (group_id, sv) WHERE status = 'published';
CREATE TABLE p_gennogin ($COLS, sv tsvector GENERATED ALWAYS AS (setweight(to_tsvector('english', body), 'B')) STORED);
CREATE TABLE p_trigger ($COLS, sv tsvector);
CREATE FUNCTION sv() RETURNS trigger LANGUAGE plpgsql AS \$\$ BEGIN NEW.sv := setweight(to_tsvector('english', NEW.body), 'B'); RETURN NEW; END \$\$;
CREATE TRIGGER ti BEFORE INSERT ON p_trigger FOR EACH ROW EXECUTE FUNCTION sv();
CREATE TRIGGER tu BEFORE UPDATE OF body ON p_trigger FOR EACH ROW WHEN (OLD.body IS DISTINCT FROM NEW.body) EXECUTE FUNCTION sv();
CREATE INDEX ON p_trigger USING gin (group_id, sv) WHERE status = 'published';
CREATE INDEX ON p_none (created_at) WHERE status = 'screening';
CREATE INDEX ON p_generated (created_at) WHERE status = 'screening';
CREATE INDEX ON p_gennogin (created_at) WHERE status = 'screening';
CREATE INDEX ON p_trigger (created_at) WHERE status = 'screening';
SQL
WORDS="ARRAY['kidney','dialysis','tired','today','clinic','nurse','friends','family','walking','water','diet','results','better','worse','feeling','appointment','transplant','waiting','list','hope','potassium','fistula','sleep','anxious']"
for round in 1 2 3; do
  for variant in none generated gennogin trigger; do
    "${P[@]}" -c "TRUNCATE p_$variant" \
      -c "INSERT INTO p_$variant (group_id, body, status) SELECT '00000000-0000-0000-0000-000000000001', (SELECT string_agg(($WORDS)[1 + floor(random() * 24)::int] || (w % 97 + g % 13)::text, ' ') FROM generate_series(1, 42) w), 'screening' FROM generate_series(1, 10000) g" \
      -c "VACUUM ANALYZE p_$variant" >/dev/null
    start=$(date +%s%N)
    for _ in $(seq 1 100); do
      echo "UPDATE p_$variant SET status = 'published', body = body WHERE id IN (SELECT id FROM p_$variant WHERE status = 'screening' LIMIT 100);"
    done | "${P[@]}" >/dev/null
    end=$(date +%s%N)
    echo "round $round  $variant  $(((end - start) / 1000000)) ms for 10,000 publishes"
  done
done
psql -qX "$PG/postgres" -c "DROP DATABASE $DB" >/dev/null
