// civicgrid: the server and command-line tool of the platform.
#include <cstdio>

#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "common/config.h"
#include "common/log.h"

using namespace civicgrid;

int main(int argc, char** argv) {
  CLI::App app{"civicgrid — grid-based grassroots governance platform (网格化服务管理平台)"};
  app.require_subcommand(1);
  app.fallthrough();  // global options (--db, --config…) may also follow the subcommand
  app.set_version_flag("--version", "civicgrid 0.1.0");
  std::string config_path, db, listen, web_root, log_level, log_format;
  int threads = -1;
  app.add_option("--config", config_path, "TOML config file (default: $CIVICGRID_CONFIG or ./civicgrid.toml)");
  std::string key_file;
  app.add_option("--db", db,
                 "database: a SQLite file path, sqlite:PATH or postgresql://USER@HOST:PORT/DB (env CIVICGRID_DB)");
  app.add_option("--key-file", key_file,
                 "keyring of personal-data encryption (default: the SQLite file + .key; required for PostgreSQL, the "
                 "same file on every node; env CIVICGRID_KEY_FILE)");
  app.add_option("--log-level", log_level, "debug, info, warn or error (env CIVICGRID_LOG_LEVEL)");
  app.add_option("--log-format", log_format, "json or text (env CIVICGRID_LOG_FORMAT)");

  auto* serve = app.add_subcommand("serve", "Serve the API and web UI");
  serve->add_option("--listen", listen, "HOST:PORT to listen on (default 127.0.0.1:8080; env CIVICGRID_LISTEN)");
  serve->add_option("--threads", threads, "I/O threads, 0 = one per core (env CIVICGRID_THREADS)")
      ->check(CLI::Range(0, 256));
  serve->add_option("--web-root", web_root, "directory of the built web UI (env CIVICGRID_WEB_ROOT)");
  std::string trusted_proxies;
  serve->add_option("--trusted-proxies", trusted_proxies,
                    "comma-separated IP addresses of reverse proxies whose X-Forwarded-For names the client "
                    "(default none; env CIVICGRID_TRUSTED_PROXIES)");
  std::string open311_publish;
  serve->add_option("--open311-publish", open311_publish,
                    "which cases the public Open311 reads show: open311 (those reported through Open311, the "
                    "default) or all (env CIVICGRID_OPEN311_PUBLISH)")
      ->check(CLI::IsMember({"open311", "all"}));
  cli::ServeArgs serve_args;
  int overdue_seconds = 30;
  serve->add_option("--overdue-interval", overdue_seconds, "seconds between runs of the overdue job (default 30)")
      ->check(CLI::Range(1, 3600));
  serve->callback([&] { serve_args.overdue_interval = std::chrono::seconds(overdue_seconds); });

  auto* demo = app.add_subcommand("demo", "The demo territory");
  demo->require_subcommand(1);
  demo->fallthrough();
  auto* demo_build = demo->add_subcommand(
      "build",
      "Create the demo in the database: the territory (5 Shandong cities, or the province), its catalogue and a year of "
      "cases");
  cli::DemoBuildArgs demo_args;
  demo_build->add_option("--scale", demo_args.scale,
                         "demo: the 5 cities at the volumes the sources report; province: all of Shandong (about "
                         "110,000 grids) and 10 million cases a year, for the benchmarks")
      ->check(CLI::IsMember({"demo", "province"}))
      ->capture_default_str();
  demo_build->add_option("--data", demo_args.data_dir,
                         "directory with divisions.tsv and counties.geojson (default data/territory, or "
                         "data/territory-province at --scale province)");
  demo_build->add_option("--cases-per-year", demo_args.cases_per_year,
                         "volumes by grid share, this many cases a year in all (default: the sources' volumes; "
                         "10,000,000 at --scale province)")
      ->check(CLI::Range(0.0, 1e9));
  demo_build->add_option("--catalogue", demo_args.catalogue_dir,
                         "directory with categories.tsv, units.tsv and rules.tsv, and optionally category_details.tsv "
                         "and category_attributes.tsv (default: 'catalogue' beside --data; without one, only the "
                         "territory is built)");
  demo_build->add_flag("--force", demo_args.force,
                       "replace what the database holds: its file is deleted and built anew (stop a server using it "
                       "first)");
  demo_build->add_option("--history-days", demo_args.history_days,
                         "days of case history to generate, up to --history-end; 0 = the catalogue only")
      ->capture_default_str()
      ->check(CLI::Range(0, 3660));
  demo_build->add_option("--history-scale", demo_args.history_scale,
                         "multiplies the daily case volumes (1 = 临淄区 230 a day, 临沂 195, other counties fewer)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 100.0));
  demo_build
      ->add_option("--history-seed", demo_args.history_seed, "seed of the generated history (same seed, same cases)")
      ->capture_default_str();
  demo_build->add_option("--history-end", demo_args.history_end,
                         "end of the history, ISO 8601 (e.g. 2026-11-22T18:00:00+08:00); default now");

  auto* grids = app.add_subcommand("grids", "Import and export grids");
  grids->require_subcommand(1);
  grids->fallthrough();
  auto* grids_import = grids->add_subcommand("import", "Import a GeoJSON FeatureCollection of grids, all or nothing");
  std::string import_file;
  grids_import->add_option("FILE", import_file, "GeoJSON file")->required();
  auto* grids_export = grids->add_subcommand("export", "Write grids as a GeoJSON FeatureCollection");
  cli::GridsExportArgs export_args;
  grids_export->add_option("--under", export_args.under, "only grids under this division code");
  grids_export->add_option("-o,--out", export_args.out, "output file (default: standard output)");

  auto* locate = app.add_subcommand("locate", "Find the grid of a point");
  cli::LocateArgs locate_args;
  locate->add_option("LON", locate_args.lon, "longitude")->required();
  locate->add_option("LAT", locate_args.lat, "latitude")->required();
  locate->add_option("--crs", locate_args.crs, "wgs84 or gcj02")->capture_default_str();
  locate->add_flag("--json", locate_args.json, "answer as JSON");

  auto* audit = app.add_subcommand("audit", "The audit log");
  audit->require_subcommand(1);
  audit->fallthrough();
  auto* audit_verify = audit->add_subcommand(
      "verify", "Check the audit log's hash chain; exit code 3 names the first broken link");
  cli::AuditVerifyArgs verify_args;
  audit_verify->add_option("--anchor", verify_args.anchor,
                           "a head hash printed by an earlier verify: the chain must still contain it (detects "
                           "records removed at the end)");
  auto* audit_tail = audit->add_subcommand("tail", "Print the latest audit records as JSON lines, oldest first");
  cli::AuditTailArgs tail_args;
  audit_tail->add_option("--limit", tail_args.limit, "how many records")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  auto* user = app.add_subcommand("user", "Accounts: add, list, disable");
  user->require_subcommand(1);
  user->fallthrough();
  cli::UserAddArgs user_args;
  auto* user_add = user->add_subcommand("add", "Add an account with one or more roles, each bound to a scope");
  user_add->add_option("USERNAME", user_args.username, "2-40 of a-z 0-9 _ . - (immutable)")->required();
  user_add->add_option("--role", user_args.grants,
                       "ROLE@TERRITORY, unit_staff#UNIT or resident; repeatable. Roles: operator, grid_worker, "
                       "unit_staff, leader, admin, resident. TERRITORY is a division or grid code, empty = everywhere")
      ->required();
  user_add->add_option("--name", user_args.display_name, "display name (default: the username)");
  user_add->add_option("--password", user_args.password, "the password (visible to other users of this host: "
                                                         "prefer --password-stdin); default: generated and printed");
  user_add->add_flag("--password-stdin", user_args.password_stdin, "read the password from one line of standard input");
  auto* user_list = user->add_subcommand("list", "List accounts with their roles and state");
  std::string disable_name;
  auto* user_disable = user->add_subcommand("disable", "Disable an account and end its sessions");
  user_disable->add_option("USERNAME", disable_name, "the account")->required();

  auto* apikey = app.add_subcommand("apikey", "API keys for systems (Open311 clients, drones, sensors)");
  apikey->require_subcommand(1);
  apikey->fallthrough();
  cli::ApiKeyAddArgs key_args;
  auto* apikey_add = apikey->add_subcommand("add", "Create an API key; the key is printed once and never stored");
  apikey_add->add_option("NAME", key_args.name, "2-40 of a-z 0-9 _ . -")->required();
  apikey_add->add_option("--permission", key_args.permissions,
                         "repeatable: case.report, case.read, case.act, stats.read, live.read, attachment.write, "
                         "reference.write")
      ->required();
  apikey_add->add_option("--territory", key_args.territory, "division code the key is limited to (default everywhere)");
  auto* apikey_list = apikey->add_subcommand("list", "List API keys (names, prefixes, scopes; never the keys)");
  std::string revoke_name;
  auto* apikey_revoke = apikey->add_subcommand("revoke", "Revoke an API key");
  apikey_revoke->add_option("NAME", revoke_name, "the key's name")->required();

  auto* keys = app.add_subcommand("keys", "The keyring that encrypts personal data");
  keys->require_subcommand(1);
  keys->fallthrough();
  auto* keys_rotate = keys->add_subcommand(
      "rotate", "Add a new key, re-seal every reporter name and phone with it, then drop the old keys (stop the "
                "server first: it holds the old keyring)");

  auto* dbcmd = app.add_subcommand("db", "Whole databases: copy one into another, checksums of their tables");
  dbcmd->require_subcommand(1);
  dbcmd->fallthrough();
  cli::DbCopyArgs copy_args;
  auto* db_copy = dbcmd->add_subcommand(
      "copy", "Copy every table of a database into a new one (e.g. SQLite to PostgreSQL) in one transaction, checking "
              "each table's row count and checksum on both sides; the source may keep serving");
  db_copy->add_option("--from", copy_args.from, "the source: sqlite:PATH, a path or postgresql://…")->required();
  db_copy->add_option("--to", copy_args.to, "the target, empty: postgresql://… (an empty schema) or a new SQLite file")
      ->required();
  db_copy->add_option("--from-key-file", copy_args.from_key_file,
                      "the source's keyring (default: the SQLite file + .key)");
  db_copy->add_option("--to-key-file", copy_args.to_key_file,
                      "the target's keyring: a copy of the source's is written there if absent (default: --key-file, "
                      "else the SQLite file + .key)");
  auto* db_checksums = dbcmd->add_subcommand(
      "checksums", "Print each table's row count and SHA-256 of its rows (--db), to compare two databases");

  auto* backup = app.add_subcommand(
      "backup", "Write a backup of --db while it serves (SQLite: online backup; PostgreSQL: pg_dump). The keyring "
                "is not in it: keep the keyring file apart");
  cli::BackupArgs backup_args;
  backup->add_option("--to", backup_args.to, "the backup file (written beside, then renamed into place)")->required();
  auto* restore = app.add_subcommand(
      "restore", "Restore a backup into --db (stop its servers first); the keyring the backup was made with must be "
                 "in place (--key-file)");
  cli::RestoreArgs restore_args;
  restore->add_option("--from", restore_args.from, "the backup file")->required();
  restore->add_flag("--force", restore_args.force, "SQLite: replace an existing database file");

  CLI11_PARSE(app, argc, argv);

  auto config = LoadConfig(config_path);
  if (!config) return cli::Fail(config.error().message);
  if (!db.empty()) config->db = db;
  if (!key_file.empty()) config->key_file = key_file;
  if (!listen.empty()) config->listen = listen;
  if (!web_root.empty()) config->web_root = web_root;
  if (!trusted_proxies.empty()) config->trusted_proxies = SplitAddressList(trusted_proxies);
  if (!open311_publish.empty()) config->open311_publish = open311_publish;
  if (threads >= 0) config->threads = threads;
  if (!log_level.empty()) config->log_level = log_level;
  if (!log_format.empty()) config->log_format = log_format;
  if (auto r = log::Init(config->log_level, config->log_format); !r) return cli::Fail(r.error().message);

  if (*serve) return cli::Serve(*config, serve_args);
  if (*demo_build) return cli::DemoBuild(*config, demo_args);
  if (*grids_import) return cli::GridsImport(*config, import_file);
  if (*grids_export) return cli::GridsExport(*config, export_args);
  if (*locate) return cli::Locate(*config, locate_args);
  if (*audit_verify) return cli::AuditVerify(*config, verify_args);
  if (*audit_tail) return cli::AuditTail(*config, tail_args);
  if (*user_add) return cli::UserAdd(*config, user_args);
  if (*user_list) return cli::UserList(*config);
  if (*user_disable) return cli::UserDisable(*config, disable_name);
  if (*apikey_add) return cli::ApiKeyAdd(*config, key_args);
  if (*apikey_list) return cli::ApiKeyList(*config);
  if (*apikey_revoke) return cli::ApiKeyRevoke(*config, revoke_name);
  if (*keys_rotate) return cli::KeysRotate(*config);
  if (*db_copy) {
    if (copy_args.to_key_file.empty()) copy_args.to_key_file = config->key_file;
    return cli::DbCopy(copy_args);
  }
  if (*db_checksums) return cli::DbChecksums(*config);
  if (*backup) return cli::Backup(*config, backup_args);
  if (*restore) return cli::Restore(*config, restore_args);
  return 2;
}
