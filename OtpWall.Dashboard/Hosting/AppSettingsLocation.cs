using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;

namespace OtpWall.Dashboard.Hosting;

internal static class AppSettingsLocation
{
    /// <summary>
    /// The repository keeps one <c>appsettings.json</c> at its root and the build copies it beside the binary.
    /// Under <c>dotnet run</c> the content root is the project folder, which has no copy, so read it from the
    /// binary's folder instead, in the same place among the sources (environment and command line still win).
    /// </summary>
    public static WebApplicationBuilder UseAppSettingsBesideTheBinary(this WebApplicationBuilder builder)
    {
        var sources = ((IConfigurationBuilder)builder.Configuration).Sources;
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is not JsonConfigurationSource { Path: { } path } json || !path.StartsWith("appsettings", StringComparison.Ordinal)) continue;
            if (File.Exists(Path.Combine(builder.Environment.ContentRootPath, path))) continue;
            if (!File.Exists(Path.Combine(AppContext.BaseDirectory, path))) continue;
            sources[i] = new JsonConfigurationSource
            {
                Path = path,
                Optional = json.Optional,
                ReloadOnChange = json.ReloadOnChange,
                FileProvider = new PhysicalFileProvider(AppContext.BaseDirectory),
            };
        }
        return builder;
    }
}
