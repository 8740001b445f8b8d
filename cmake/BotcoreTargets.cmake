# Helpers shared by every botcore target.

include(GNUInstallDirs)

# botcore_target_options(<target>)
# Our own code builds with warnings as errors and, when BOTCORE_SANITIZE is set,
# with the requested sanitizers. Third-party code is never affected.
function(botcore_target_options target)
  target_compile_features(${target} PUBLIC cxx_std_20)
  set_target_properties(${target} PROPERTIES CXX_EXTENSIONS OFF)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Werror
      # Options structs are filled with designated initializers that leave
      # the other fields at their documented defaults.
      -Wno-missing-field-initializers
      # Bit-exactness with TA-Lib (indicators) needs each a*b+c rounded twice:
      # never contract it into a fused multiply-add, whatever -march enables
      # (GCC's C++ default is -ffp-contract=fast).
      -ffp-contract=off)
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
      # GCC 12 reports std::string concatenation as overlapping memcpy
      # (GCC bug 105329).
      target_compile_options(${target} PRIVATE -Wno-restrict)
    endif()
  endif()
  if(BOTCORE_SANITIZE)
    target_compile_options(${target} PRIVATE
      -fsanitize=${BOTCORE_SANITIZE} -fno-omit-frame-pointer
      -fno-sanitize-recover=all)
    target_link_options(${target} PRIVATE -fsanitize=${BOTCORE_SANITIZE})
  endif()
endfunction()

# botcore_library(<name> EXPORT_NAME <short> SOURCES ... [PUBLIC_DEPS ...]
#                 [PRIVATE_DEPS ...])
# A static library botcore::<short> with the include/ tree as its public
# interface, exported by the install rules.
function(botcore_library name)
  cmake_parse_arguments(ARG "" "EXPORT_NAME" "SOURCES;PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  add_library(botcore::${ARG_EXPORT_NAME} ALIAS ${name})
  botcore_target_options(${name})
  target_include_directories(${name}
    PUBLIC
      $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
      $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>
    PRIVATE
      ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${name} PUBLIC ${ARG_PUBLIC_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  set_target_properties(${name} PROPERTIES
    EXPORT_NAME ${ARG_EXPORT_NAME}
    OUTPUT_NAME botcore_${ARG_EXPORT_NAME}
    VERSION ${PROJECT_VERSION}
    SOVERSION ${PROJECT_VERSION_MAJOR})
  set_property(GLOBAL APPEND PROPERTY BOTCORE_EXPORTED_TARGETS ${name})
endfunction()
