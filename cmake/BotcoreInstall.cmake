# Install rules: headers, static libraries, the exported targets and a package
# config, so that users write find_package(botcore 0.1 REQUIRED) and link
# botcore::botcore.

include(CMakePackageConfigHelpers)

set(BOTCORE_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/botcore)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/botcore
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.h")
install(FILES ${PROJECT_BINARY_DIR}/include/botcore/version.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/botcore)

get_property(_botcore_targets GLOBAL PROPERTY BOTCORE_EXPORTED_TARGETS)
install(TARGETS ${_botcore_targets}
        EXPORT botcoreTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT botcoreTargets
        NAMESPACE botcore::
        DESTINATION ${BOTCORE_CMAKE_DIR})

configure_package_config_file(
  ${PROJECT_SOURCE_DIR}/cmake/botcoreConfig.cmake.in
  ${PROJECT_BINARY_DIR}/botcoreConfig.cmake
  INSTALL_DESTINATION ${BOTCORE_CMAKE_DIR})
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/botcoreConfigVersion.cmake
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMajorVersion)
install(FILES
          ${PROJECT_BINARY_DIR}/botcoreConfig.cmake
          ${PROJECT_BINARY_DIR}/botcoreConfigVersion.cmake
          ${PROJECT_SOURCE_DIR}/cmake/FindSOCI.cmake
        DESTINATION ${BOTCORE_CMAKE_DIR})
