-- pgsql-roles.sql: least privilege for a saslstep store in PostgreSQL.
--
-- Run it as a superuser in the store's database, after
-- `saslstep --db URI init` has made the schema (and again after an init
-- that migrated it):
--
--   psql -v ON_ERROR_STOP=1 -d saslstep -f pgsql-roles.sql
--
-- It makes two group roles (NOLOGIN) and gives them what they need, no
-- more; log in with roles of your own that are members of one of them:
--
--   CREATE ROLE host1 LOGIN PASSWORD '...' IN ROLE saslstep_module;
--   CREATE ROLE alice LOGIN PASSWORD '...' IN ROLE saslstep_admin;
--
-- saslstep_admin  owns the schema: enrols and deletes users, sets
--                 passwords, imports and exports, runs `saslstep init`.
-- saslstep_module what pam_saslstep on a host needs: reads users,
--                 credentials and the server secret; changes a
--                 credential's params, secret, counter and version (the
--                 compare-and-swap of a login); takes and releases
--                 challenge locks.  It cannot add, rename or delete a
--                 user or a credential, lock or unlock a user, or change
--                 the schema.  (It can rewrite the one-time state of an
--                 enrolled credential, as every login does: a host trusted
--                 with logins is trusted with that.)
--
-- Idempotent: privileges are revoked and granted again as listed here.

BEGIN;

DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'saslstep_admin') THEN
    CREATE ROLE saslstep_admin NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'saslstep_module') THEN
    CREATE ROLE saslstep_module NOLOGIN;
  END IF;
END
$$;

-- The administrators' role owns everything, so that its members can also
-- migrate the schema later.
ALTER SCHEMA saslstep OWNER TO saslstep_admin;
ALTER TABLE saslstep.schema_version OWNER TO saslstep_admin;
ALTER TABLE saslstep.meta OWNER TO saslstep_admin;
ALTER TABLE saslstep.users OWNER TO saslstep_admin;
ALTER TABLE saslstep.credentials OWNER TO saslstep_admin;
ALTER TABLE saslstep.pending OWNER TO saslstep_admin;
ALTER SEQUENCE saslstep.credential_version OWNER TO saslstep_admin;

-- Nobody else: not PUBLIC, and the module only as granted below.
REVOKE ALL ON SCHEMA saslstep FROM PUBLIC, saslstep_module;
REVOKE ALL ON ALL TABLES IN SCHEMA saslstep FROM PUBLIC, saslstep_module;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA saslstep FROM PUBLIC, saslstep_module;
REVOKE ALL (username, family, params, secret, counter, version)
  ON saslstep.credentials FROM PUBLIC, saslstep_module;
REVOKE ALL (username, family, token, expires)
  ON saslstep.pending FROM PUBLIC, saslstep_module;

GRANT USAGE ON SCHEMA saslstep TO saslstep_module;
GRANT SELECT ON saslstep.schema_version, saslstep.meta, saslstep.users
  TO saslstep_module;
GRANT SELECT (username, family, params, secret, counter, version),
  UPDATE (params, secret, counter, version)
  ON saslstep.credentials TO saslstep_module;
GRANT SELECT, INSERT, DELETE, UPDATE (token, expires)
  ON saslstep.pending TO saslstep_module;
-- nextval() of a new version at every compare-and-swap.
GRANT USAGE ON SEQUENCE saslstep.credential_version TO saslstep_module;

COMMIT;
