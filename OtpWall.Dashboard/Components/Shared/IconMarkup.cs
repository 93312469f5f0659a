using Microsoft.AspNetCore.Components;

namespace OtpWall.Dashboard.Components.Shared;

/// <summary>
/// A MudBlazor icon (the inside of a 24 × 24 SVG, from <c>Icons</c>) drawn without a component, with our own classes
/// (controls.css): in what every open tab keeps (the layout, the activation cards) each MudBlazor component is an
/// instance with its own state.
/// </summary>
internal static class IconMarkup
{
    /// <param name="size">"medium" (24 px) or "small" (20 px).</param>
    public static RenderFragment Draw(string svg, string size = "medium", string? cssClass = null) => builder =>
    {
        var classes = size == "small" ? "ow-icon ow-icon-small" : "ow-icon";
        builder.OpenElement(0, "svg");
        builder.AddAttribute(1, "class", cssClass is null ? classes : $"{classes} {cssClass}");
        builder.AddAttribute(2, "focusable", "false");
        builder.AddAttribute(3, "viewBox", "0 0 24 24");
        builder.AddAttribute(4, "aria-hidden", "true");
        builder.AddAttribute(5, "role", "img");
        builder.AddMarkupContent(6, svg);
        builder.CloseElement();
    };

    /// <summary>The icon at the start of a button (controls.css sizes it within <c>.ow-button</c>).</summary>
    public static RenderFragment ButtonStart(string svg) => Draw(svg);
}
