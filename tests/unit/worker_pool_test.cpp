// The poller's long-lived helpers: the worker pool (a job that throws fails
// its item only) and the request watch.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "poll/request_watch.h"
#include "poll/worker_pool.h"

namespace ue {
namespace {

TEST(WorkerPool, RunsEveryItemOnceOnItsWorkersAndCanBeReused) {
  WorkerPool pool(4);
  ASSERT_EQ(pool.size(), 4u);
  for (std::size_t items : {0u, 1u, 3u, 100u, 7u}) {
    std::vector<std::atomic<int>> runs(items);
    std::mutex mutex;
    std::set<std::thread::id> threads;
    std::atomic<bool> worker_in_range{true};
    const auto failed = pool.run(items, [&](std::size_t worker, std::size_t item) {
      worker_in_range = worker_in_range && worker < pool.size();
      ++runs[item];
      std::lock_guard lock(mutex);
      threads.insert(std::this_thread::get_id());
    });
    EXPECT_TRUE(failed.empty());
    for (std::size_t i = 0; i < items; ++i) EXPECT_EQ(runs[i], 1) << "item " << i << " of " << items;
    EXPECT_TRUE(worker_in_range);
    EXPECT_LE(threads.size(), std::min<std::size_t>(items, 4));
  }
}

TEST(WorkerPool, ItemsRunInParallelUpToItsSize) {
  WorkerPool pool(3);
  std::mutex mutex;
  std::condition_variable arrived;
  int waiting = 0;
  // Each item waits until three are inside at once: only a pool of three finishes.
  const auto failed = pool.run(3, [&](std::size_t, std::size_t) {
    std::unique_lock lock(mutex);
    ++waiting;
    arrived.notify_all();
    EXPECT_TRUE(arrived.wait_for(lock, std::chrono::seconds(20), [&] { return waiting == 3; }));
  });
  EXPECT_TRUE(failed.empty());
}

TEST(WorkerPool, ASizeOfOneRunsOnTheCaller) {
  WorkerPool pool(1);
  const auto caller = std::this_thread::get_id();
  const auto failed = pool.run(5, [&](std::size_t worker, std::size_t) {
    EXPECT_EQ(worker, 0u);
    EXPECT_EQ(std::this_thread::get_id(), caller);
  });
  EXPECT_TRUE(failed.empty());
}

TEST(WorkerPool, AJobThatThrowsFailsItsItemAndTheWorkerGoesOn) {
  WorkerPool pool(3);
  std::vector<std::atomic<int>> runs(20);
  const auto failed = pool.run(runs.size(), [&](std::size_t, std::size_t item) {
    ++runs[item];
    if (item == 4) throw std::runtime_error("item 4 broke");
    if (item == 11) throw 11;  // not even a std::exception
  });
  for (std::size_t i = 0; i < runs.size(); ++i) EXPECT_EQ(runs[i], 1) << "item " << i;
  ASSERT_EQ(failed.size(), 2u);
  EXPECT_EQ(failed[0].item, 4u);
  EXPECT_EQ(failed[0].error, "item 4 broke");
  EXPECT_EQ(failed[1].item, 11u);
  EXPECT_EQ(failed[1].error, "an exception that is not a std::exception");
}

TEST(WorkerPool, EveryWorkerThrowingLeavesThePoolUsable) {
  WorkerPool pool(3);
  std::mutex mutex;
  std::condition_variable arrived;
  int waiting = 0;
  std::set<std::size_t> workers;
  // All three inside at once, so each worker (the caller and both threads) throws.
  const auto failed = pool.run(3, [&](std::size_t worker, std::size_t item) {
    std::unique_lock lock(mutex);
    ++waiting;
    workers.insert(worker);
    arrived.notify_all();
    EXPECT_TRUE(arrived.wait_for(lock, std::chrono::seconds(20), [&] { return waiting == 3; }));
    throw std::runtime_error("item " + std::to_string(item));
  });
  EXPECT_EQ(workers, (std::set<std::size_t>{0, 1, 2}));
  ASSERT_EQ(failed.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(failed[i].error, "item " + std::to_string(i));

  // The same threads take the next runs, and a run's failures are its own.
  for (int round = 0; round < 3; ++round) {
    std::atomic<int> ran{0};
    EXPECT_TRUE(pool.run(50, [&](std::size_t, std::size_t) { ++ran; }).empty());
    EXPECT_EQ(ran, 50);
  }
}

class CountingTransport final : public Transport {
 public:
  Answer get(const std::string&) override { return {}; }
  void abort() override { ++aborts; }
  void abort_if_overdue(std::chrono::steady_clock::time_point) override {
    std::lock_guard lock(mutex);
    ++checks;
    checked.notify_all();
  }
  std::atomic<int> aborts{0};
  std::mutex mutex;
  std::condition_variable checked;
  int checks = 0;
};

TEST(RequestWatch, ChecksWatchedTransportsAndAbortsThemWhenClosed) {
  RequestWatch watch;
  std::vector<std::unique_ptr<Transport>> transports;
  transports.push_back(std::make_unique<CountingTransport>());
  auto& transport = static_cast<CountingTransport&>(*transports.front());
  ASSERT_TRUE(watch.watch(transports));
  {
    std::unique_lock lock(transport.mutex);
    EXPECT_TRUE(transport.checked.wait_for(lock, std::chrono::seconds(20), [&] { return transport.checks >= 2; }));
  }
  watch.close();
  EXPECT_EQ(transport.aborts, 1);
  EXPECT_TRUE(watch.closed());
  EXPECT_FALSE(watch.watch(transports)) << "a closed watch takes nothing more";
  watch.unwatch();
}

}  // namespace
}  // namespace ue
