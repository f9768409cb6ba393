/* api_traffic.c - TEMPORARY placeholder while the engine is built; replaced by its owner. */
#include "api.h"

NR_HANDLER(api_traffic_list)
{
    nr_req_error(r, NR_EINVAL, NULL);
}
NR_HANDLER(api_traffic_attach)
{
    nr_req_error(r, NR_EINVAL, NULL);
}
