// Little-endian byte writer and bounds-checked reader for the fleet's messages between ranks
// (same build, but possibly different hosts): fixed-width integers, doubles, strings.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace healbench {

class ByteWriter {
 public:
  void U8(std::uint8_t v) { out_.push_back(v); }
  void U32(std::uint32_t v) { Raw(&v, sizeof v); }
  void U64(std::uint64_t v) { Raw(&v, sizeof v); }
  void I64(std::int64_t v) { Raw(&v, sizeof v); }
  void F64(double v) { Raw(&v, sizeof v); }
  void Str(const std::string& s) {
    U64(s.size());
    Raw(s.data(), s.size());
  }
  std::vector<std::uint8_t> Take() { return std::move(out_); }

 private:
  void Raw(const void* p, std::size_t n) {
    const auto* b = static_cast<const std::uint8_t*>(p);
    out_.insert(out_.end(), b, b + n);
  }
  std::vector<std::uint8_t> out_;
};

// Every read past the end (or of an absurd length) sets !ok() and returns zeroes, so a
// decoder reads on and checks ok() once at the end.
class ByteReader {
 public:
  explicit ByteReader(const std::vector<std::uint8_t>& in) : in_(in) {}
  std::uint8_t U8() {
    std::uint8_t v = 0;
    Raw(&v, sizeof v);
    return v;
  }
  std::uint32_t U32() { return Get<std::uint32_t>(); }
  std::uint64_t U64() { return Get<std::uint64_t>(); }
  std::int64_t I64() { return Get<std::int64_t>(); }
  double F64() { return Get<double>(); }
  std::string Str() {
    const std::uint64_t n = U64();
    if (!ok_ || n > in_.size() - pos_) {
      ok_ = false;
      return {};
    }
    std::string s(reinterpret_cast<const char*>(in_.data() + pos_), n);
    pos_ += n;
    return s;
  }
  // A count of items each at least min_item_bytes long: 0 (and !ok()) if the rest cannot hold it.
  std::uint64_t Count(std::size_t min_item_bytes) {
    const std::uint64_t n = U64();
    if (!ok_ || (min_item_bytes > 0 && n > (in_.size() - pos_) / min_item_bytes)) {
      ok_ = false;
      return 0;
    }
    return n;
  }
  void Fail() { ok_ = false; }  // the caller found the content invalid
  bool ok() const { return ok_; }
  bool at_end() const { return pos_ == in_.size(); }

 private:
  template <typename T>
  T Get() {
    T v{};
    Raw(&v, sizeof v);
    return v;
  }
  void Raw(void* p, std::size_t n) {
    if (!ok_ || n > in_.size() - pos_) {
      ok_ = false;
      return;
    }
    std::memcpy(p, in_.data() + pos_, n);
    pos_ += n;
  }
  const std::vector<std::uint8_t>& in_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace healbench
