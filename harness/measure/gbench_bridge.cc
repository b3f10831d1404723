/*
 * gbench_bridge.cc - the C API of gbench_bridge.h over Google Benchmark 1.7.1.
 *
 * The only C++ in the project.  A struct gb_state * is a benchmark::State *
 * under another name.  gb_run() hands Google Benchmark one display reporter,
 * BridgeReporter, that fans every report out to three places:
 *
 *   ReportRuns(runs) --+--> JSONReporter  -> json_path.tmp (every run + aggregates)
 *                      +--> ConsoleReporter -> stderr (optional)
 *                      +--> C callback     (per-repetition runs only)
 *
 * We do not use Google Benchmark's file reporter: it needs
 * --benchmark_out=FILE and calls exit() when FILE cannot be opened, and a
 * library must not exit.  Likewise gb_init() rejects, before calling
 * benchmark::Initialize(), the flags on which Initialize() would exit.
 *
 * No C++ exception leaves this file: every entry point catches and returns
 * -ENOMEM.
 */
#include "gbench_bridge.h"

#include <benchmark/benchmark.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <new>
#include <string>
#include <vector>

namespace {

bool initialized;

/* Registered name -> console_aggregates_only. */
std::map<std::string, bool> &console_aggregates_only()
{
	static std::map<std::string, bool> m;
	return m;
}

benchmark::State &S(struct gb_state *st)
{
	return *reinterpret_cast<benchmark::State *>(st);
}

const benchmark::State &S(const struct gb_state *st)
{
	return *reinterpret_cast<const benchmark::State *>(st);
}

bool starts_with(const char *s, const char *prefix)
{
	return std::strncmp(s, prefix, std::strlen(prefix)) == 0;
}

/*
 * Would benchmark::Initialize() exit on this argument?  It exits for --help
 * (any spelling IsFlag accepts), for a --benchmark_format or
 * --benchmark_out_format other than console/json/csv, and for an empty
 * --benchmark_color.
 */
bool would_exit(const char *arg)
{
	if (!std::strcmp(arg, "--help") || !std::strcmp(arg, "-help") || !std::strcmp(arg, "--help=true") ||
	    !std::strcmp(arg, "-h"))
		return true;
	const char *fmts[] = {"--benchmark_format=", "--benchmark_out_format="};
	for (const char *f : fmts) {
		if (starts_with(arg, f)) {
			const char *v = arg + std::strlen(f);
			if (std::strcmp(v, "console") && std::strcmp(v, "json") && std::strcmp(v, "csv"))
				return true;
		}
	}
	if (!std::strcmp(arg, "--benchmark_color="))
		return true;
	/*
	 * --benchmark_out makes RunSpecifiedBenchmarks() open a file itself and
	 * exit() when it cannot; gb_run() writes the JSON instead.
	 */
	return starts_with(arg, "--benchmark_out=") || starts_with(arg, "-benchmark_out=");
}

class BridgeReporter : public benchmark::BenchmarkReporter {
public:
	BridgeReporter(std::ostream *json_out, bool console, gb_report_fn cb, void *ctx)
	    : console_(benchmark::ConsoleReporter::OO_Tabular), null_(nullptr), json_out_(json_out),
	      want_console_(console), cb_(cb), ctx_(ctx)
	{
		/*
		 * RunSpecifiedBenchmarks() writes its own messages ("Failed to
		 * match any benchmarks ...") to our streams: stderr only when the
		 * console is wanted, else nowhere (a library does not print).
		 */
		SetOutputStream(console ? &std::cerr : &null_);
		SetErrorStream(console ? &std::cerr : &null_);
		if (json_out_) {
			json_.SetOutputStream(json_out_);
			json_.SetErrorStream(json_out_);
		}
		console_.SetOutputStream(&std::cerr);
		console_.SetErrorStream(&std::cerr);
	}

	bool ReportContext(const Context &context) override
	{
		context_reported_ = true;
		if (json_out_)
			json_.ReportContext(context);
		if (want_console_)
			console_.ReportContext(context);
		return true;
	}

	void ReportRuns(const std::vector<Run> &runs) override
	{
		if (json_out_)
			json_.ReportRuns(runs);
		if (want_console_)
			console_runs(runs);
		if (!cb_)
			return;
		for (const Run &r : runs)
			if (r.run_type == Run::RT_Iteration)
				forward(r);
	}

	/* False when nothing ran (e.g. --benchmark_list_tests only lists). */
	bool context_reported() const { return context_reported_; }

	void Finalize() override
	{
		if (json_out_)
			json_.Finalize();
		if (want_console_)
			console_.Finalize();
	}

private:
	/*
	 * Google Benchmark computes aggregates only for more than one
	 * repetition, so a case with one repetition keeps its only run.
	 */
	void console_runs(const std::vector<Run> &runs)
	{
		std::vector<Run> shown;
		for (const Run &r : runs) {
			auto it = console_aggregates_only().find(r.run_name.function_name);
			bool agg_only = it != console_aggregates_only().end() && it->second;
			if (agg_only && r.run_type == Run::RT_Iteration && r.repetitions > 1)
				continue;
			shown.push_back(r);
		}
		if (!shown.empty())
			console_.ReportRuns(shown);
	}

	void forward(const Run &r)
	{
		std::string name = r.benchmark_name();
		std::vector<const char *> names;
		std::vector<double> values;
		for (const auto &kv : r.counters) {
			names.push_back(kv.first.c_str());
			values.push_back(kv.second.value);
		}
		struct gb_run_report rep;
		std::memset(&rep, 0, sizeof(rep));
		rep.name = name.c_str();
		rep.function_name = r.run_name.function_name.c_str();
		rep.repetition_index = r.repetition_index;
		rep.repetitions = r.repetitions;
		rep.iterations = r.iterations;
		/* Registered with Unit(kNanosecond), so adjusted times are ns. */
		rep.real_time_ns = r.GetAdjustedRealTime();
		rep.cpu_time_ns = r.GetAdjustedCPUTime();
		rep.error_occurred = r.error_occurred;
		rep.error_message = r.error_message.c_str();
		rep.threads = static_cast<int>(r.threads);
		rep.nr_counters = names.size();
		rep.counter_names = names.data();
		rep.counter_values = values.data();
		cb_(ctx_, &rep);
	}

	benchmark::JSONReporter json_;
	benchmark::ConsoleReporter console_;
	std::ostream null_; /* no streambuf: discards everything */
	std::ostream *json_out_;
	bool want_console_;
	gb_report_fn cb_;
	void *ctx_;
	bool context_reported_ = false;
};

} // namespace

extern "C" int gb_init(int *argc, char **argv)
{
	if (!argc || *argc < 1 || !argv)
		return -EINVAL;
	for (int i = 1; i < *argc; i++)
		if (would_exit(argv[i]))
			return -EINVAL;
	try {
		/*
		 * Initialize() keeps argv[0] as Context::executable_name, which
		 * the JSON reporter prints later: keep a copy that outlives argv.
		 */
		static std::string executable;
		executable = argv[0] ? argv[0] : "pfnbench";
		benchmark::Initialize(argc, argv);
		benchmark::BenchmarkReporter::Context::executable_name = executable.c_str();
	} catch (...) {
		return -ENOMEM;
	}
	initialized = true;
	return *argc > 1 ? -EINVAL : 0;
}

extern "C" int gb_register(const char *name, gb_fn fn, void *arg, const struct gb_options *opt)
{
	if (!name || !*name || !fn)
		return -EINVAL;
	struct gb_options o = {};
	if (opt)
		o = *opt;
	try {
		auto *b = benchmark::RegisterBenchmark(name, [fn, arg](benchmark::State &st) {
			fn(reinterpret_cast<struct gb_state *>(&st), arg);
		});
		b->Unit(benchmark::kNanosecond);
		if (o.manual_time)
			b->UseManualTime();
		if (o.repetitions > 0)
			b->Repetitions(o.repetitions);
		/* Iterations() and MinTime() exclude each other. */
		if (o.iterations > 0)
			b->Iterations(o.iterations);
		else if (o.min_time_s > 0)
			b->MinTime(o.min_time_s);
		if (o.threads > 0)
			b->Threads(o.threads);
		console_aggregates_only()[name] = o.console_aggregates_only;
	} catch (...) {
		return -ENOMEM;
	}
	return 0;
}

extern "C" void gb_clear(void)
{
	benchmark::ClearRegisteredBenchmarks();
	console_aggregates_only().clear();
}

extern "C" bool gb_keep_running(struct gb_state *st) { return S(st).KeepRunning(); }
extern "C" void gb_pause(struct gb_state *st) { S(st).PauseTiming(); }
extern "C" void gb_resume(struct gb_state *st) { S(st).ResumeTiming(); }
extern "C" void gb_set_iteration_time(struct gb_state *st, double seconds) { S(st).SetIterationTime(seconds); }
extern "C" int64_t gb_iterations(const struct gb_state *st) { return S(st).iterations(); }
extern "C" int64_t gb_max_iterations(const struct gb_state *st) { return S(st).max_iterations; }
extern "C" int gb_thread_index(const struct gb_state *st) { return S(st).thread_index(); }
extern "C" int gb_threads(const struct gb_state *st) { return S(st).threads(); }

extern "C" void gb_counter(struct gb_state *st, const char *name, double value, unsigned flags)
{
	int f = benchmark::Counter::kDefaults;
	if (flags & GB_COUNTER_RATE)
		f |= benchmark::Counter::kIsRate;
	if (flags & GB_COUNTER_AVG_THREADS)
		f |= benchmark::Counter::kAvgThreads;
	if (flags & GB_COUNTER_AVG_ITERATIONS)
		f |= benchmark::Counter::kAvgIterations;
	try {
		S(st).counters[name] = benchmark::Counter(value, static_cast<benchmark::Counter::Flags>(f));
	} catch (...) {
		/* Out of memory: the counter is missing from the report. */
	}
}

extern "C" void gb_skip(struct gb_state *st, const char *reason)
{
	benchmark::State &s = S(st);
	/* iterations() is 0 only before the loop has started */
	bool started = s.iterations() != 0;

	s.SkipWithError(reason && *reason ? reason : "skipped");
	/*
	 * 1.7.1 reports a run that never entered its loop with 0 iterations,
	 * and ComputeStats() CHECKs (aborts) unless every repetition of a
	 * benchmark has the same count: a case skipped before its loop (e.g.
	 * interrupted) after earlier repetitions ran would kill the process.
	 * Entering the loop after SkipWithError() runs it zero times and makes
	 * the run report max_iterations like its siblings.
	 */
	if (!started)
		while (s.KeepRunning())
			;
}

extern "C" int gb_run(const char *json_path, unsigned flags, gb_report_fn cb, void *ctx)
{
	if (json_path && !*json_path)
		return -EINVAL;
	std::string tmp;
	try {
		if (!initialized) {
			/* JSONReporter prints Context::executable_name: set it. */
			static char prog[] = "pfnbench";
			static char *argv[] = {prog, nullptr};
			int argc = 1;
			benchmark::Initialize(&argc, argv);
			initialized = true;
		}
		std::ofstream out;
		if (json_path) {
			tmp = std::string(json_path) + ".tmp";
			out.open(tmp, std::ios::out | std::ios::trunc);
			if (!out.is_open())
				return -EIO;
		}
		BridgeReporter rep(json_path ? &out : nullptr, flags & GB_RUN_CONSOLE, cb, ctx);
		size_t ran = benchmark::RunSpecifiedBenchmarks(&rep);
		if (flags & GB_RUN_CONSOLE)
			std::cerr.flush();
		if (ran == 0 || !rep.context_reported()) {
			/* Nothing ran, so nothing was reported: no JSON to keep. */
			if (json_path) {
				out.close();
				std::remove(tmp.c_str());
			}
			return -ENOENT;
		}
		if (!json_path)
			return 0;
		out.flush();
		bool ok = out.good();
		out.close();
		if (!ok || out.fail()) {
			std::remove(tmp.c_str());
			return -EIO;
		}
		if (std::rename(tmp.c_str(), json_path) != 0) {
			int err = errno;
			std::remove(tmp.c_str());
			return -err;
		}
	} catch (const std::bad_alloc &) {
		if (!tmp.empty())
			std::remove(tmp.c_str());
		return -ENOMEM;
	} catch (...) {
		if (!tmp.empty())
			std::remove(tmp.c_str());
		return -EIO;
	}
	return 0;
}
