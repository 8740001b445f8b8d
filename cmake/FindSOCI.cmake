# FindSOCI
# --------
# Finds SOCI (https://soci.sourceforge.net). Debian's libsoci-dev ships no CMake or
# pkg-config files, so we look for the headers and libraries ourselves.
#
# Components: sqlite3, postgresql (the backends botcore uses).
#
# Imported targets:
#   SOCI::core, SOCI::sqlite3, SOCI::postgresql
#
# Result variables:
#   SOCI_FOUND, SOCI_INCLUDE_DIR, SOCI_<component>_FOUND

find_path(SOCI_INCLUDE_DIR NAMES soci/soci.h)
find_library(SOCI_CORE_LIBRARY NAMES soci_core)

# SOCI's headers include Boost headers (boost-optional, boost-tuple, ...) when
# SOCI was configured with Boost, as Debian's is.
find_package(Boost QUIET)

include(FindPackageHandleStandardArgs)

foreach(_component IN LISTS SOCI_FIND_COMPONENTS)
  find_library(SOCI_${_component}_LIBRARY NAMES soci_${_component})
  find_path(SOCI_${_component}_INCLUDE_DIR
            NAMES soci/${_component}/soci-${_component}.h)
  if(SOCI_${_component}_LIBRARY AND SOCI_${_component}_INCLUDE_DIR)
    set(SOCI_${_component}_FOUND TRUE)
  else()
    set(SOCI_${_component}_FOUND FALSE)
  endif()
endforeach()

find_package_handle_standard_args(
  SOCI
  REQUIRED_VARS SOCI_CORE_LIBRARY SOCI_INCLUDE_DIR
  HANDLE_COMPONENTS)

if(SOCI_FOUND AND NOT TARGET SOCI::core)
  add_library(SOCI::core UNKNOWN IMPORTED)
  set_target_properties(SOCI::core PROPERTIES
    IMPORTED_LOCATION "${SOCI_CORE_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${SOCI_INCLUDE_DIR}")
  if(Boost_FOUND)
    set_property(TARGET SOCI::core APPEND PROPERTY
      INTERFACE_INCLUDE_DIRECTORIES "${Boost_INCLUDE_DIRS}")
  endif()
  set_property(TARGET SOCI::core APPEND PROPERTY
    INTERFACE_LINK_LIBRARIES ${CMAKE_DL_LIBS})
endif()

foreach(_component IN LISTS SOCI_FIND_COMPONENTS)
  if(SOCI_${_component}_FOUND AND NOT TARGET SOCI::${_component})
    add_library(SOCI::${_component} UNKNOWN IMPORTED)
    set_target_properties(SOCI::${_component} PROPERTIES
      IMPORTED_LOCATION "${SOCI_${_component}_LIBRARY}"
      INTERFACE_INCLUDE_DIRECTORIES "${SOCI_${_component}_INCLUDE_DIR}"
      INTERFACE_LINK_LIBRARIES SOCI::core)
    # soci-postgresql.h includes libpq-fe.h.
    if(_component STREQUAL "postgresql")
      find_package(PostgreSQL QUIET)
      if(PostgreSQL_FOUND)
        set_property(TARGET SOCI::postgresql APPEND PROPERTY
          INTERFACE_INCLUDE_DIRECTORIES "${PostgreSQL_INCLUDE_DIRS}")
      endif()
    endif()
  endif()
endforeach()

mark_as_advanced(SOCI_INCLUDE_DIR SOCI_CORE_LIBRARY)
