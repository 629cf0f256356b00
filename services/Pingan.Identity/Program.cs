var app = Pingan.Identity.IdentityApplication.Create(args);
return await Pingan.ServiceDefaults.ServiceDefaultsExtensions.RunServiceAsync(app, args);
