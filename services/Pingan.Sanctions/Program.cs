var app = Pingan.Sanctions.SanctionsApplication.Create(args);
return await Pingan.ServiceDefaults.ServiceDefaultsExtensions.RunServiceAsync(app, args);
