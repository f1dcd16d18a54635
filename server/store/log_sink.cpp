#include "server/store/log_sink.h"

#include <iostream>
#include <mutex>
#include <string>

namespace wreg::store {

LogSink stderr_log_sink() {
  return [](std::string_view line) {
    static std::mutex mutex;
    std::string text = "wreg-server: ";
    text += line;
    text += '\n';
    std::lock_guard lock(mutex);
    std::cerr << text << std::flush;
  };
}

}  // namespace wreg::store
