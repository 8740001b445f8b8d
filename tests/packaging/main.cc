// Uses the installed botcore the way an application would.

#include <iostream>
#include <memory>

#include "botcore/adapters/storage.h"
#include "botcore/core/amount.h"
#include "botcore/version.h"

int main() {
  absl::StatusOr<botcore::Amount> price = botcore::Amount::Parse("227.35", 2);
  if (!price.ok() || price->ToString() != "227.35") {
    std::cerr << "Amount round trip failed\n";
    return 1;
  }
  absl::StatusOr<std::unique_ptr<botcore::Database>> db =
      botcore::OpenDatabase("sqlite::memory:");
  if (!db.ok()) {
    std::cerr << db.status() << "\n";
    return 1;
  }
  std::cout << "botcore " << botcore::kVersion << " consumer OK\n";
  return 0;
}
