using Microsoft.Extensions.FileProviders;

namespace OtpWall.Dashboard.Hosting;

/// <summary>
/// Country flags (flag-icons, 271 SVG files in <c>flag-icons/</c> beside the binary), served at <c>/flags/…</c> by the
/// static-file middleware rather than as static web assets: as those, each flag was ten endpoints (with and without a
/// fingerprint, each also gzip and Brotli), and reading their 2,730 entries and building their routes at every start
/// cost about 0.2 s of a start of 1.2 s. The response compression every page goes through compresses them (SVG is
/// text); the browser keeps one for a week.
/// </summary>
internal static class FlagFiles
{
    public const string RequestPath = "/flags";

    public static string Folder { get; } = Path.Combine(AppContext.BaseDirectory, "flag-icons");

    public static IApplicationBuilder UseFlagFiles(this IApplicationBuilder app) =>
        app.UseWhen(context => context.Request.Path.StartsWithSegments(RequestPath), flags => flags.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = new PhysicalFileProvider(Folder),
            RequestPath = RequestPath,
            OnPrepareResponse = file => file.Context.Response.Headers.CacheControl = "public, max-age=604800",
        }));
}
