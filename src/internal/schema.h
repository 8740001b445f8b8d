// Every component's schema, named once: each engine's Create applies its own
// with ApplySchema, and MigrateSchema (botcore/runtime/database_commands.h)
// applies them all. Each function is defined next to the migrations it
// returns.

#ifndef BOTCORE_INTERNAL_SCHEMA_H_
#define BOTCORE_INTERNAL_SCHEMA_H_

#include <string_view>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "botcore/ports/database.h"

namespace botcore::internal {

// A component's name in schema_migrations and its numbered migrations.
struct ComponentSchema {
  std::string_view component;
  absl::Span<const Migration> migrations;
};

inline absl::Status ApplySchema(Database& db, const ComponentSchema& schema) {
  return db.Migrate(schema.component, schema.migrations);
}

// botcore::core
ComponentSchema LedgerSchema();       // src/ledger/ledger.cc
ComponentSchema DepositsSchema();     // src/ledger/deposits.cc
ComponentSchema WithdrawalsSchema();  // src/ledger/withdrawals.cc
ComponentSchema ReferralSchema();     // src/referral/referral.cc
ComponentSchema OutboxSchema();       // src/outbox/outbox.cc
ComponentSchema PortfolioSchema();    // src/portfolio/portfolios.cc
ComponentSchema SignalsSchema();      // src/signals/signal_journal.cc
// botcore::adapters
ComponentSchema
TelegramSchema();  // src/adapters/telegram/telegram_messenger.cc
// botcore::runtime
ComponentSchema RuntimeSchema();  // src/runtime/scheduler.cc
ComponentSchema BotSchema();      // src/runtime/bot.cc

}  // namespace botcore::internal

#endif  // BOTCORE_INTERNAL_SCHEMA_H_
