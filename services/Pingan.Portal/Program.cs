using Pingan.Portal;
using Pingan.ServiceDefaults;

return await PortalApplication.Create(args).RunServiceAsync(args);
