// What the libFuzzer targets share: the input as text, and the rule that tells a finding from
// an input qosim rightly refuses. Each target catches the errors qosim reports to the user (a
// ScenarioError, a RunLimitError) itself; anything else that escapes is a finding: it is
// printed with its type and the process aborts, so libFuzzer saves the input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cxxabi.h>
#include <exception>
#include <memory>
#include <new>
#include <string>
#include <typeinfo>

namespace qosim::fuzz {

/// The fuzzer's bytes as the text a scenario file (or a --set item) would hold.
inline std::string as_text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

/// The readable name of a type (std::type_info::name() is mangled).
inline std::string type_name(const std::type_info& type) {
    int status = 0;
    const std::unique_ptr<char, decltype(&std::free)> name(
        abi::__cxa_demangle(type.name(), nullptr, nullptr, &status), &std::free);
    return status == 0 && name ? std::string(name.get()) : std::string(type.name());
}

/// With QOSIM_FUZZ_VERBOSE set, says on stderr what became of an input (refused, ran ...).
inline void note(const std::string& what) {
    static const bool verbose = std::getenv("QOSIM_FUZZ_VERBOSE") != nullptr;
    if (verbose) std::fprintf(stderr, "  %s\n", what.c_str());
}

/// A finding: says what happened on stderr and aborts (libFuzzer then saves the input).
[[noreturn]] inline void finding(const std::string& what) {
    std::fprintf(stderr, "qosim fuzz finding: %s\n", what.c_str());
    std::fflush(stderr);
    std::abort();
}

/// Runs `body` (which handles the errors qosim is expected to report) and turns every other
/// exception into a finding. Returns 0, the only value libFuzzer accepts.
template <class Body>
int guarded(Body&& body) {
    try {
        body();
    } catch (const std::bad_alloc& e) {
        finding(std::string("out of memory (") + type_name(typeid(e)) + "): " + e.what());
    } catch (const std::exception& e) {
        finding("unexpected exception " + type_name(typeid(e)) + ": " + e.what());
    } catch (...) {
        finding("unexpected exception of a type not derived from std::exception");
    }
    return 0;
}

}  // namespace qosim::fuzz
