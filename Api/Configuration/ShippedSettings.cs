using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;

namespace JsonApiInvites.Api.Configuration;

/// <summary>
/// The <c>appsettings.json</c> shipped next to the executable applies wherever the server is started from. ASP.NET
/// Core reads it from the content root, the working directory, so <c>dotnet out/JsonApiInvites.Api.dll</c> run from
/// another folder would silently lose it (its logging levels among them, which keep request URLs out of the log).
/// When the content root has none, the shipped one is read instead, with the same (lowest) precedence.
/// </summary>
public static class ShippedSettings
{
    public const string FileName = "appsettings.json";

    public static void Load(WebApplicationBuilder builder)
    {
        var shipped = Path.Combine(AppContext.BaseDirectory, FileName);
        if (File.Exists(Path.Combine(builder.Environment.ContentRootPath, FileName)) || !File.Exists(shipped))
        {
            return;
        }

        var source = new JsonConfigurationSource
        {
            FileProvider = new PhysicalFileProvider(AppContext.BaseDirectory),
            Path = FileName,
            Optional = true,
            ReloadOnChange = false,
        };
        builder.Configuration.Sources.Insert(0, source);
    }
}
