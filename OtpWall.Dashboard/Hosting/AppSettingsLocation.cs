using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;

namespace OtpWall.Dashboard.Hosting;

internal static class AppSettingsLocation
{
    /// <summary>
    /// A published dashboard keeps its web root (<c>wwwroot</c>) beside its binary. Started from another folder (a systemd
    /// unit without WorkingDirectory), the working folder would become the content root and every stylesheet would be
    /// missing, so the binary's folder is the content root whenever it holds <c>wwwroot</c>, unless one is configured
    /// (<c>--contentRoot</c>, <c>ASPNETCORE_CONTENTROOT</c>). Under <c>dotnet run</c> the build output has no
    /// <c>wwwroot</c>: the project folder stays the content root, and static files come from the build's manifest.
    /// </summary>
    public static WebApplicationOptions BuilderOptions(string[] args)
    {
        var configured = args.Any(a => a.Contains("contentRoot", StringComparison.OrdinalIgnoreCase)) ||
                         !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ASPNETCORE_CONTENTROOT")) ||
                         !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOTNET_CONTENTROOT"));
        var published = Directory.Exists(Path.Combine(AppContext.BaseDirectory, "wwwroot"));
        return new WebApplicationOptions { Args = args, ContentRootPath = !configured && published ? AppContext.BaseDirectory : null };
    }

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
