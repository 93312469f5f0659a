using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace OtpWall.Core.Data;

/// <summary>
/// Optional protection of the Data Protection key ring at rest with an X.509 certificate (a PFX file). Bound from
/// <c>OtpWall:KeyRing</c>. Keep the certificate apart from the backups: with both, the stored API keys can be read.
/// </summary>
public sealed class KeyRingOptions : IValidatableObject
{
    public const string SectionName = "OtpWall:KeyRing";

    /// <summary>Path of a PFX with a private key; unset: the key ring is stored unencrypted in the data folder.</summary>
    public string? CertificatePath { get; set; }

    public string? CertificatePassword { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(CertificatePath) && !File.Exists(CertificatePath))
            yield return new ValidationResult($"OtpWall:KeyRing:CertificatePath: no file at {CertificatePath}.");
    }
}

public static class KeyRingCertificate
{
    /// <summary>
    /// Encrypts the key ring with the certificate of <c>OtpWall:KeyRing</c>, when one is configured. Read at start:
    /// a path that is set but wrong stops the dashboard with a clear message rather than leaving keys unprotected.
    /// </summary>
    public static IServiceCollection AddOtpWallKeyRingCertificate(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<KeyRingOptions>().BindConfiguration(KeyRingOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        var options = configuration.GetSection(KeyRingOptions.SectionName).Get<KeyRingOptions>() ?? new KeyRingOptions();
        if (string.IsNullOrWhiteSpace(options.CertificatePath)) return services;
        if (!File.Exists(options.CertificatePath))
            throw new InvalidOperationException($"OtpWall:KeyRing:CertificatePath: no file at {options.CertificatePath}.");
        var certificate = X509CertificateLoader.LoadPkcs12FromFile(options.CertificatePath, options.CertificatePassword);
        services.AddDataProtection().ProtectKeysWithCertificate(certificate).UnprotectKeysWithAnyCertificate(certificate);
        return services;
    }
}
