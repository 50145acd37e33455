# Thin wrapper: the build is meson's; these targets install what is missing,
# build, and run.
BUILD ?= build
ASAN_BUILD ?= build-asan
CONFIG ?= config/parkshare.conf

.PHONY: all build run browser-deps openapi-deps feeds-deps test test-asan bench fuzz format clean

all: build

build:
	@tools/install-deps build
	@[ -f $(BUILD)/build.ninja ] || meson setup $(BUILD)
	@ninja -C $(BUILD)

run: build
	$(BUILD)/server/parkshare-server -c $(CONFIG)

# The browser tests' npm packages (tests/browser/package-lock.json).
browser-deps:
	@tools/install-deps test
	@[ -d tests/browser/node_modules ] || npm ci --prefix tests/browser --no-audit --no-fund --silent

# The OpenAPI lint's npm packages (tests/openapi/package-lock.json: @redocly/cli).
openapi-deps:
	@tools/install-deps test
	@[ -d tests/openapi/node_modules ] || npm ci --prefix tests/openapi --no-audit --no-fund --silent

# The feed tests' JSON Schema validator (tests/feeds/package-lock.json: ajv, ajv-formats).
feeds-deps:
	@tools/install-deps test
	@[ -d tests/feeds/node_modules ] || npm ci --prefix tests/feeds --no-audit --no-fund --silent

test: browser-deps openapi-deps feeds-deps
	@tools/install-deps test
	@[ -f $(BUILD)/build.ninja ] || meson setup $(BUILD)
	@ninja -C $(BUILD)
	@tools/run-tests $(BUILD)

# The same suites built with AddressSanitizer and UndefinedBehaviorSanitizer.
test-asan: browser-deps openapi-deps feeds-deps
	@tools/install-deps test
	@[ -f $(ASAN_BUILD)/build.ninja ] || meson setup $(ASAN_BUILD) -Db_sanitize=address,undefined -Db_lundef=false
	@ninja -C $(ASAN_BUILD)
	@tools/run-tests $(ASAN_BUILD)

# Ratios against nginx and redis-benchmark, measured side by side; reports only.
bench: build
	@tools/install-deps bench
	@BUILD=$(BUILD) python3 tools/bench.py
	@python3 tools/profile-occupancy.py

# libFuzzer targets (clang, ASan, UBSan), FUZZ_SECONDS each.
FUZZ_SECONDS ?= 60
fuzz:
	@tools/install-deps test
	@tools/run-fuzz $(FUZZ_SECONDS)

format:
	clang-format -i server/*.[ch] server/core/*.[ch] client/*.[ch] tests/*.[ch] include/parkshare/*.h 2>/dev/null || true

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-fuzz
