#pragma once
// What each setting of the Setup form does and what the fine-tuning guide advises for it
// (§5.4 optimisers, §5.6 best practices, §6.3 PEFT methods, §6.4 half fine-tuning).
#include <QString>

namespace tunebench::ui {

// The tooltip of the setting named as in run.json ("optimizer.lr"); empty when there is none.
QString setupTip(const QString& key);

}  // namespace tunebench::ui
