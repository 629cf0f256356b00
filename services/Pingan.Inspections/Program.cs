var app = Pingan.Inspections.InspectionsApplication.Create(args);
return await Pingan.ServiceDefaults.ServiceDefaultsExtensions.RunServiceAsync(app, args);
