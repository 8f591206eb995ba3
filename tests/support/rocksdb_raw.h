// Reaching under the stores (JobStore, CheckpointStore) in tests: write a record straight into a closed
// store's RocksDB directory, or damage its table files so that RocksDB itself fails to read them. Lets the
// store tests check that a corrupt record and an I/O error are reported as such, never as "not found".
#pragma once

#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>

#include <rocksdb/db.h>
#include <rocksdb/options.h>

namespace ktrdr::test {

// Puts key = value into the RocksDB in `dir` (the store must be closed) and flushes it to a table file.
inline void rocksdb_put_raw(const std::string& dir, const std::string& key, const std::string& value) {
  rocksdb::Options options;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, dir, &raw);
  if (!s.ok()) throw std::runtime_error("rocksdb_put_raw: open " + dir + ": " + s.ToString());
  std::unique_ptr<rocksdb::DB> db(raw);
  s = db->Put(rocksdb::WriteOptions(), key, value);
  if (s.ok()) s = db->Flush(rocksdb::FlushOptions());
  if (!s.ok()) throw std::runtime_error("rocksdb_put_raw: " + key + ": " + s.ToString());
}

// Flushes the (closed) RocksDB in `dir` to table files, then overwrites the first bytes of every table file
// (its first data block) so that reading those records fails RocksDB's block checksum. Returns the number of
// table files damaged.
inline int rocksdb_damage_tables(const std::string& dir) {
  {
    rocksdb::Options options;
    rocksdb::DB* raw = nullptr;
    rocksdb::Status s = rocksdb::DB::Open(options, dir, &raw);
    if (!s.ok()) throw std::runtime_error("rocksdb_damage_tables: open " + dir + ": " + s.ToString());
    std::unique_ptr<rocksdb::DB> db(raw);
    s = db->Flush(rocksdb::FlushOptions());
    if (!s.ok()) throw std::runtime_error("rocksdb_damage_tables: flush: " + s.ToString());
  }
  int damaged = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() != ".sst") continue;
    std::fstream f(e.path(), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(0);
    const std::string junk(std::min<std::uintmax_t>(64, e.file_size() / 4), '\xa5');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
    ++damaged;
  }
  return damaged;
}

}  // namespace ktrdr::test
