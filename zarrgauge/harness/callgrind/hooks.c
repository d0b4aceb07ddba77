/* Callgrind's client requests, which only C can issue, for zarrgauge's instruction counts
   (zarrgauge.harness.callgrind.counter): count one operation, not the interpreter's start-up around it. */
#include <valgrind/callgrind.h>

int zarrgauge_on_valgrind(void) { return RUNNING_ON_VALGRIND; }

void zarrgauge_start(void) {
    CALLGRIND_START_INSTRUMENTATION;
    CALLGRIND_ZERO_STATS;
}

void zarrgauge_stop(const char *label) {
    CALLGRIND_DUMP_STATS_AT(label);
    CALLGRIND_STOP_INSTRUMENTATION;
}
