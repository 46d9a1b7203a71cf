#pragma once
// PCRE2 on 8-bit (UTF-8) code units: Table Schema patterns (Sources/MLXCore/Quality/TextPattern.swift).
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
