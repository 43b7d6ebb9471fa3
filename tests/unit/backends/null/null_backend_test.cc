// The null backend: every submitted I/O comes back as a completion with its tag and its full
// length, and Reap never hands out more than the caller has room for.
#include "backends/null/null_backend.h"

#include <gtest/gtest.h>

#include <vector>

namespace healbench {
namespace {

std::unique_ptr<BackendQueue> NewQueue(Backend& backend, std::uint32_t depth) {
  auto images = backend.Prepare({{"vm-0", 1 << 20}});
  EXPECT_TRUE(images.ok());
  auto q = backend.NewQueue({0}, depth);
  EXPECT_TRUE(q.ok());
  return std::move(*q);
}

IoRequest Request(std::uint64_t tag, OpKind op, std::uint32_t length) {
  IoRequest r;
  r.tag = tag;
  r.op = op;
  r.length = length;
  return r;
}

TEST(NullBackend, CompletionsCarryTagsAndFullLengths) {
  auto backend = MakeNullBackend();
  auto q = NewQueue(*backend, 8);
  const std::vector<IoRequest> reqs = {Request(7, OpKind::kRead, 4096),
                                       Request(42, OpKind::kWrite, 65536),
                                       Request(3, OpKind::kDiscard, 8192)};
  ASSERT_TRUE(q->Submit(reqs).ok());
  std::vector<IoCompletion> out(8);
  auto n = q->Reap(out, 1, 0);
  ASSERT_TRUE(n.ok());
  ASSERT_EQ(*n, 3u);
  EXPECT_EQ(out[0].tag, 7u);
  EXPECT_EQ(out[0].result, 4096);
  EXPECT_EQ(out[1].tag, 42u);
  EXPECT_EQ(out[1].result, 65536);
  EXPECT_EQ(out[2].tag, 3u);
  EXPECT_EQ(out[2].result, 8192);
  // Nothing left.
  n = q->Reap(out, 0, 0);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 0u);
}

TEST(NullBackend, ReapRespectsOutSize) {
  auto backend = MakeNullBackend();
  auto q = NewQueue(*backend, 8);
  std::vector<IoRequest> reqs;
  for (std::uint64_t t = 0; t < 5; ++t) reqs.push_back(Request(t, OpKind::kRead, 512));
  ASSERT_TRUE(q->Submit(reqs).ok());
  std::vector<IoCompletion> out(2);
  std::vector<std::uint64_t> tags;
  for (int round = 0; round < 3; ++round) {
    auto n = q->Reap(out, 1, 0);
    ASSERT_TRUE(n.ok());
    ASSERT_LE(*n, out.size());
    for (std::size_t i = 0; i < *n; ++i) tags.push_back(out[i].tag);
  }
  EXPECT_EQ(tags, (std::vector<std::uint64_t>{0, 1, 2, 3, 4}));
  auto n = q->Reap(out, 0, 0);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 0u);
}

TEST(NullBackend, ReapIntoEmptySpanReturnsNothing) {
  auto backend = MakeNullBackend();
  auto q = NewQueue(*backend, 4);
  ASSERT_TRUE(q->Submit(std::vector<IoRequest>{Request(1, OpKind::kFlush, 0)}).ok());
  std::vector<IoCompletion> none;
  auto n = q->Reap(none, 0, 0);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 0u);
  std::vector<IoCompletion> out(4);
  n = q->Reap(out, 1, 0);
  ASSERT_TRUE(n.ok());
  ASSERT_EQ(*n, 1u);
  EXPECT_EQ(out[0].tag, 1u);
  EXPECT_EQ(out[0].result, 0);
}

}  // namespace
}  // namespace healbench
