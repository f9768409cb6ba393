/* api_sca.c - TEMPORARY placeholder while the engine is built; replaced by its owner. */
#include "api.h"

NR_HANDLER(api_sbom_list)
{
    nr_req_error(r, NR_EINVAL, NULL);
}
NR_HANDLER(api_sbom_attach)
{
    nr_req_error(r, NR_EINVAL, NULL);
}
NR_HANDLER(api_sbom_analyze)
{
    nr_req_error(r, NR_EINVAL, NULL);
}
NR_HANDLER(api_advisory_list)
{
    nr_req_error(r, NR_EINVAL, NULL);
}
NR_HANDLER(api_watch_run)
{
    nr_req_error(r, NR_EINVAL, NULL);
}
