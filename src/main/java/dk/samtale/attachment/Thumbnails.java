package dk.samtale.attachment;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Iterator;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;

/**
 * A small JPEG preview of an image, made on the server from the cleaned file (so it carries no metadata
 * either). The image is decoded subsampled, so a 12-megapixel photo costs a few hundred kilobytes of
 * heap, not fifty megabytes; images over {@link #MAX_PIXELS} get no thumbnail (a decompression bomb is
 * refused the work, not the file).
 */
final class Thumbnails {

    static final long MAX_PIXELS = 100_000_000L;

    private Thumbnails() {
    }

    /** Writes the thumbnail of the image in {@code image}; false when none can be made. */
    static boolean write(Path image, int orientation, int maxSide, OutputStream out) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(image.toFile())) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return false;
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int w = reader.getWidth(0), h = reader.getHeight(0);
                if ((long) w * h > MAX_PIXELS || w <= 0 || h <= 0) {
                    return false;
                }
                ImageReadParam param = reader.getDefaultReadParam();
                int step = Math.max(1, Math.max(w, h) / (maxSide * 2));
                param.setSourceSubsampling(step, step, 0, 0);
                BufferedImage decoded = reader.read(0, param);
                writeJpeg(scale(decoded, orientation, maxSide), out);
                return true;
            } finally {
                reader.dispose();
            }
        }
    }

    /** Scaled to fit {@code maxSide}, turned upright by the EXIF orientation, on white (JPEG has no alpha). */
    private static BufferedImage scale(BufferedImage src, int orientation, int maxSide) {
        double factor = Math.min(1.0, (double) maxSide / Math.max(src.getWidth(), src.getHeight()));
        int w = Math.max(1, (int) Math.round(src.getWidth() * factor));
        int h = Math.max(1, (int) Math.round(src.getHeight() * factor));
        boolean quarter = orientation == 6 || orientation == 8;
        BufferedImage dst = new BufferedImage(quarter ? h : w, quarter ? w : h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = dst.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, dst.getWidth(), dst.getHeight());
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            AffineTransform t = new AffineTransform();
            switch (orientation) {
                case 3 -> t.rotate(Math.PI, w / 2.0, h / 2.0);
                case 6 -> {
                    t.translate(h, 0);
                    t.rotate(Math.PI / 2);
                }
                case 8 -> {
                    t.translate(0, w);
                    t.rotate(-Math.PI / 2);
                }
                default -> {
                }
            }
            g.setTransform(t);
            g.drawImage(src, 0, 0, w, h, null);
        } finally {
            g.dispose();
        }
        return dst;
    }

    private static void writeJpeg(BufferedImage img, OutputStream out) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            ImageWriteParam p = writer.getDefaultWriteParam();
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionQuality(0.8f);
            writer.write(null, new IIOImage(img, null, null), p);
        } finally {
            writer.dispose();
        }
    }
}
